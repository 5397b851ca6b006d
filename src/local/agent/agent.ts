import { createWriteStream } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { HookEvent } from '../../bundle/appspec/index.js';
import type { LifecycleStep } from '../lifecycle.js';
import { INSTANCE_ROOT_VARIABLE } from '../processes.js';
import {
  bareETag,
  type Diagnostics,
  type FileExistsBehavior,
  type LifecycleEventStatus,
  type RevisionLocation,
} from '../records.js';
import { AppSpecError, readRevisionAppSpec } from './appspec.js';
import { BundleError, downloadBundle, downloadCommit, removeOldRevisions, unpackBundle } from './bundle.js';
import { runScript, ScriptLog } from './hooks.js';
import { InstallError, install } from './install.js';
import type { RunasPolicy } from './users.js';

/**
 * The CodeDeploy agent of one local instance. The instance directory is the instance's filesystem
 * root; the agent keeps its own files where the real one does, under
 * `<instance>/opt/codedeploy-agent/deployment-root/`:
 *   <deployment-group-id>/<deployment-id>/bundle.tar, deployment-archive/, logs/scripts.log
 *   deployment-instructions/<group-id>-cleanup, <group-id>_last_successful_install, <group-id>_most_recent_install
 */
export interface AgentDeployment {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentGroupId: string;
  /** An S3 bundle, or a GitHub commit (taken from the local repository that stands for it). */
  revision: RevisionLocation;
  fileExistsBehavior: FileExistsBehavior;
  ignoreApplicationStopFailures: boolean;
  /** The local instance: its id and the port its application listens on. */
  instance: { id: string; port: number };
  /** Registers the instance with its group's router (AllowTraffic) or takes it out (BlockTraffic); says what it did. */
  traffic: (event: 'AllowTraffic' | 'BlockTraffic') => Promise<string>;
}

export interface EventUpdate {
  status: LifecycleEventStatus;
  diagnostics?: Diagnostics;
}

export interface AgentOptions {
  s3: S3Client;
  /** The local git repository that serves GitHub revisions of `account/repository`; undefined when none does. */
  gitHubRepository: (repository: string) => Promise<string | undefined>;
  killGraceMs: number;
  users: RunasPolicy;
}

export type InstanceOutcome = 'Succeeded' | 'Failed' | 'Aborted';

export function agentRoot(instanceDir: string): string {
  return join(instanceDir, 'opt', 'codedeploy-agent', 'deployment-root');
}

export function deploymentDir(instanceDir: string, deploymentGroupId: string, deploymentId: string): string {
  return join(agentRoot(instanceDir), deploymentGroupId, deploymentId);
}

export function scriptsLogPath(instanceDir: string, deploymentGroupId: string, deploymentId: string): string {
  return join(deploymentDir(instanceDir, deploymentGroupId, deploymentId), 'logs', 'scripts.log');
}

const SUCCEEDED: Diagnostics = { errorCode: 'Success', scriptName: '', message: 'Succeeded', logTail: '' };

class StepFailure extends Error {
  constructor(
    readonly diagnostics: Diagnostics,
    readonly aborted = false,
  ) {
    super(diagnostics.message);
  }
}

/**
 * Runs `steps` on one instance, reporting each lifecycle event's start and end through `report`.
 * Resolves Failed at the first failed event (the following events are Skipped), Aborted when the
 * signal fires (the running script's process group is terminated).
 */
export async function runInstance(
  options: AgentOptions,
  instanceDir: string,
  deployment: AgentDeployment,
  steps: readonly LifecycleStep[],
  signal: AbortSignal,
  report: (index: number, update: EventUpdate) => void,
): Promise<InstanceOutcome> {
  const root = agentRoot(instanceDir);
  const instructionsDir = join(root, 'deployment-instructions');
  const groupDir = join(root, deployment.deploymentGroupId);
  const currentDir = join(groupDir, deployment.deploymentId);
  const logFile = scriptsLogPath(instanceDir, deployment.deploymentGroupId, deployment.deploymentId);
  await mkdir(join(currentDir, 'logs'), { recursive: true });
  await mkdir(instructionsDir, { recursive: true });
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const writeLog = (text: string) => {
    const stamp = new Date().toISOString().replace('T', ' ').slice(0, 19);
    logStream.write(text.replace(/^(?=.)/gm, `${stamp} `));
  };
  const note = (message: string) => writeLog(`[local] ${message}\n`);
  const pointer = (kind: 'last_successful_install' | 'most_recent_install') =>
    join(instructionsDir, `${deployment.deploymentGroupId}_${kind}`);

  /**
   * hook_executor.rb select_correct_deployment_root_dir: the revision being deployed, or, for the
   * events that stop what runs (ApplicationStop, the BlockTraffic hooks) before it is unpacked, the
   * one last installed successfully; undefined when there is none. That revision's folder may be
   * gone: reading its appspec then fails the event.
   */
  const archiveOf = async (step: LifecycleStep): Promise<string | undefined> => {
    const current = join(currentDir, 'deployment-archive');
    if (step.revision === 'current' || (await exists(current))) return current;
    const last = await readFile(pointer('last_successful_install'), 'utf8').catch(() => undefined);
    return last === undefined ? undefined : join(last.trim(), 'deployment-archive');
  };

  const runHooks = async (step: LifecycleStep): Promise<Diagnostics> => {
    const archive = await archiveOf(step);
    if (archive === undefined) {
      note(`${step.event}: no revision was installed successfully on this instance before, nothing to run`);
      return SUCCEEDED;
    }
    // The agent reads the appspec for every event, with or without scripts in it.
    const { appspec } = await readRevisionAppSpec(archive, instanceDir, 'hooks');
    const scripts = appspec.hooks[step.event as HookEvent] ?? [];
    if (scripts.length === 0) return SUCCEEDED;
    const log = new ScriptLog(writeLog);
    log.append(`LifecycleEvent - ${step.event}\n`);
    const env = hookEnvironment(deployment, step.event, instanceDir);
    for (const script of scripts) {
      const outcome = await runScript({
        location: script.location,
        archiveDir: archive,
        instanceRoot: instanceDir,
        env,
        timeoutSeconds: script.timeout,
        ...(script.runas !== undefined ? { runas: script.runas } : {}),
        ...(script.sudo ? { sudo: true } : {}),
        users: options.users,
        log,
        note,
        signal,
        killGraceMs: options.killGraceMs,
      });
      if (outcome) {
        throw new StepFailure(
          {
            errorCode: outcome.errorCode,
            scriptName: script.location,
            message: outcome.message,
            logTail: log.tail(),
          },
          signal.aborted,
        );
      }
    }
    // A succeeded event's diagnostics carry no log (command_poller.rb gather_diagnostics): it is in scripts.log.
    return SUCCEEDED;
  };

  const runStep = async (step: LifecycleStep): Promise<Diagnostics> => {
    switch (step.action) {
      case 'hooks':
        return runHooks(step);
      case 'download': {
        const last = await readFile(pointer('last_successful_install'), 'utf8').catch(() => undefined);
        await removeOldRevisions(groupDir, currentDir, last?.trim());
        const bundleFile = join(currentDir, 'bundle.tar');
        const { s3Location, gitHubLocation } = deployment.revision;
        if (gitHubLocation) await downloadCommit(options.gitHubRepository, gitHubLocation, bundleFile);
        else await downloadBundle(options.s3, s3Location ?? {}, bundleFile);
        // A GitHub tarball is a tar (gzipped on GitHub; `tar -x` reads either).
        await unpackBundle(
          bundleFile,
          gitHubLocation ? 'tar' : s3Location?.bundleType,
          join(currentDir, 'deployment-archive'),
        );
        await writeFile(pointer('most_recent_install'), currentDir);
        return SUCCEEDED;
      }
      case 'install': {
        const archiveDir = join(currentDir, 'deployment-archive');
        const { appspec, installFailure } = await readRevisionAppSpec(archiveDir, instanceDir, 'install');
        if (installFailure !== undefined) throw new InstallError(installFailure);
        await install({
          archiveDir,
          root: instanceDir,
          instructionsDir,
          deploymentGroupId: deployment.deploymentGroupId,
          appspec,
          fileExistsBehavior: deployment.fileExistsBehavior,
          canChangeOwners: options.users.canSwitchUsers,
          note,
        });
        await writeFile(pointer('last_successful_install'), currentDir);
        return SUCCEEDED;
      }
      case 'traffic': {
        const event = step.event === 'AllowTraffic' ? 'AllowTraffic' : 'BlockTraffic';
        note(`${step.event}: ${await deployment.traffic(event)}`);
        return SUCCEEDED;
      }
    }
  };

  try {
    return await runSteps();
  } finally {
    logStream.end();
    await finished(logStream).catch(() => {});
  }

  async function runSteps(): Promise<InstanceOutcome> {
    for (const [index, step] of steps.entries()) {
      if (signal.aborted) {
        skipFrom(index, steps.length, report);
        return 'Aborted';
      }
      report(index, { status: 'InProgress' });
      let diagnostics: Diagnostics;
      let aborted = false;
      try {
        diagnostics = await runStep(step);
      } catch (error) {
        if (error instanceof StepFailure) {
          diagnostics = error.diagnostics;
          aborted = error.aborted;
        } else {
          const known =
            error instanceof AppSpecError || error instanceof BundleError || error instanceof InstallError;
          diagnostics = {
            errorCode: 'UnknownError',
            scriptName: '',
            message: known ? (error as Error).message : `${step.event} failed: ${(error as Error).message}`,
            logTail: '',
          };
          if (!known) note(`${step.event} failed: ${(error as Error).stack ?? String(error)}`);
        }
        if (!aborted && step.event === 'ApplicationStop' && deployment.ignoreApplicationStopFailures) {
          note(
            `ApplicationStop failed and was ignored (ignoreApplicationStopFailures): ${diagnostics.message}`,
          );
          report(index, { status: 'Succeeded', diagnostics });
          continue;
        }
        report(index, { status: 'Failed', diagnostics });
        skipFrom(index + 1, steps.length, report);
        return aborted ? 'Aborted' : 'Failed';
      }
      report(index, { status: 'Succeeded', diagnostics });
    }
    return 'Succeeded';
  }
}

function skipFrom(start: number, end: number, report: (index: number, update: EventUpdate) => void): void {
  for (let index = start; index < end; index += 1) report(index, { status: 'Skipped' });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The system's PATH, as a service started with /etc/profile has it. */
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The hooks' environment: the agent's variables (hook_executor.rb @child_envs, command_executor.rb
 * get_revision_envs: see revisionEnvironment), a system
 * PATH with the folder of this Node.js (an instance has its runtime on its PATH), and the local
 * CodeDeploy's own variables. Nothing else of this process's environment: no AWS credentials (the
 * agent deletes them, command_poller.rb), no developer settings a script could come to rely on.
 */
export function hookEnvironment(
  deployment: AgentDeployment,
  event: string,
  instanceDir: string,
): Record<string, string> {
  const node = dirname(process.execPath);
  return {
    PATH: [...SYSTEM_PATH, ...(SYSTEM_PATH.includes(node) ? [] : [node])].join(delimiter),
    LIFECYCLE_EVENT: event,
    DEPLOYMENT_ID: deployment.deploymentId,
    APPLICATION_NAME: deployment.applicationName,
    DEPLOYMENT_GROUP_NAME: deployment.deploymentGroupName,
    DEPLOYMENT_GROUP_ID: deployment.deploymentGroupId,
    ...revisionEnvironment(deployment.revision),
    // Not set by the real agent: the instance's sandboxed filesystem, its id, and the port its
    // application listens on (the group's local router forwards there); the root also marks the
    // processes the hooks start, so a terminated instance's processes can be stopped.
    [INSTANCE_ROOT_VARIABLE]: instanceDir,
    LOCAL_CODEDEPLOY_INSTANCE_ID: deployment.instance.id,
    LOCAL_CODEDEPLOY_INSTANCE_PORT: String(deployment.instance.port),
  };
}

/**
 * command_executor.rb get_revision_envs: an S3 revision's bucket and key, and its version and eTag
 * when it names them (unset otherwise: get_s3_envs); a GitHub revision's commit only (get_github_envs).
 */
function revisionEnvironment({ s3Location, gitHubLocation }: RevisionLocation): Record<string, string> {
  if (gitHubLocation) return { BUNDLE_COMMIT: gitHubLocation.commitId ?? '' };
  const { bucket, key, version, eTag } = s3Location ?? {};
  return {
    BUNDLE_BUCKET: bucket ?? '',
    BUNDLE_KEY: key ?? '',
    ...(version ? { BUNDLE_VERSION: version } : {}),
    ...(eTag ? { BUNDLE_ETAG: bareETag(eTag) } : {}),
  };
}
