import type { DeploymentGroupInfo, RevisionLocation } from '@aws-sdk/client-codedeploy';
import type { Config } from '../config/types.js';
import type { Plan, PlannedDeployment } from '../plan/plan.js';
import type { OnReady } from './blue-green.js';
import type { ManualRequest } from './decisions.js';
import type { DeploymentOrigin } from './description.js';
import type { AwsEdges, CommitMetadata, GroupInput, RunEdges } from './ports.js';
import type { GroupReport, RevisionChoice } from './results.js';

/** What the deploy and teardown phases work on: a plan with work in it, and who asked for it. */
export interface DeployRequest {
  config: Config;
  plan: Extract<Plan, { skipped: false }>;
  /** Written into every deployment's description: how this run recognises its own deployments. */
  origin: DeploymentOrigin;
  commit: CommitMetadata;
  /** `owner/name` of the repository the run is for: a GitHub revision names it. */
  repository: string;
  revisionChoice: RevisionChoice;
  /** A person asked for this run by hand: older commits may be deployed, and the log says so. */
  manual?: ManualRequest;
  onReady: OnReady;
  region: string;
  /**
   * A rehearsal on the local CodeDeploy: a missing application, and a missing group the map does not
   * create from a template, are created bare (local instances are folders; a group needs no fleet).
   */
  rehearsal?: { serviceRoleArn: string };
}

/** The edges the deploy and teardown phases use. */
export type DeployDeps = Pick<
  RunEdges,
  'log' | 'clock' | 'random' | 'cancel' | 'compareCommits' | 'revisionSource'
> &
  Omit<AwsEdges, 'close'>;

/** One planned group on its way: what preflight found, the revision it gets, and its report so far. */
export interface GroupTask {
  plan: PlannedDeployment;
  /** The group as CodeDeploy describes it; undefined until it exists. */
  info?: DeploymentGroupInfo;
  /** The group it will be created from, when it does not exist yet. */
  template?: DeploymentGroupInfo;
  /** What it will be created with: the template's settings, its placeholders filled in. */
  newGroup?: GroupInput;
  revision?: RevisionLocation;
  report: GroupReport;
}

export function newReport(plan: PlannedDeployment): GroupReport {
  return {
    group: plan.deploymentGroup,
    environment: plan.environment,
    ...(plan.environmentUrl ? { environmentUrl: plan.environmentUrl } : {}),
    outcome: 'not-started',
    failures: [],
  };
}

/** A group a cancel kept from starting: nothing of it was created. */
export function cancelled(report: GroupReport): GroupReport {
  if (report.outcome !== 'not-started') return report;
  report.outcome = 'cancelled';
  report.note = 'not started: the workflow was cancelled';
  return report;
}
