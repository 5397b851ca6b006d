import { relative, resolve, sep } from 'node:path';
import {
  CODEDEPLOY_REQUESTS_PER_SECOND,
  CodeDeployGateway,
  createCodeDeployClient,
} from '../aws/codedeploy.js';
import { findRevisionBySha, recordCommit } from '../aws/commit-index.js';
import { S3GroupLedger } from '../aws/group-ledger.js';
import { RateLimiter } from '../aws/rate-limit.js';
import { createS3Client } from '../aws/s3-client.js';
import { prepareRevision, type RevisionResult } from '../aws/s3-upload.js';
import { loadAppSpecFromDir } from '../bundle/appspec-fs.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../core/log.js';
import { problem, throwIfErrors, UserError } from '../core/problems.js';
import type { CommitRelation } from './decisions.js';
import { type ExecuteRequest, type ExecuteResult, executePlan } from './execute.js';
import { realClock } from './follow.js';
import type { RevisionReport } from './model.js';

/**
 * The AWS half of a run, in its own chunk: it is imported only once the plan says there is work,
 * so a skip or a dry run never parses the AWS SDK.
 */
export interface AwsRunInput {
  execute: Omit<ExecuteRequest, 'config'>;
  config: Config;
  workspace: string;
  region?: string;
  metadata: { sha: string; ref: string; runUrl?: string };
  log: Logger;
  cancel: AbortSignal;
  compareCommits?: (base: string, head: string) => Promise<CommitRelation>;
}

export async function runWithAws(input: AwsRunInput): Promise<ExecuteResult & { region: string }> {
  const { config, log } = input;
  const region = input.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UserError(
      problem('no AWS region', undefined, 'set the "aws-region" input, or AWS_REGION in the environment'),
    );
  }
  const archiving =
    input.execute.action === 'deploy' && !input.execute.rollback && !input.execute.revisionSha;
  if (archiving) await checkAppSpec(input.workspace, config, log);

  const s3 = createS3Client({ region });
  const limiter = new RateLimiter(CODEDEPLOY_REQUESTS_PER_SECOND);
  const codedeploy = new CodeDeployGateway(
    createCodeDeployClient(region, { limiter }),
    config.application,
    createCodeDeployClient(region, { maxAttempts: 1, limiter }),
  );
  const records = {
    s3,
    bucket: config.revision.bucket,
    prefix: config.revision.prefix,
    application: config.application,
  };
  const toReport = (result: RevisionResult, source: RevisionReport['source']): RevisionReport => ({
    ...result,
    source,
  });
  try {
    return {
      region,
      ...(await executePlan(
        { ...input.execute, config },
        {
          codedeploy,
          region,
          log,
          cancel: input.cancel,
          clock: realClock,
          random: Math.random,
          ledger: new S3GroupLedger(records),
          ...(input.compareCommits ? { compareCommits: input.compareCommits } : {}),
          revisions: {
            fromWorkspace: async () => {
              const revision = await prepareRevision({
                workspace: input.workspace,
                application: config.application,
                revision: config.revision,
                s3,
                metadata: input.metadata,
                log,
              });
              await recordCommit(records, input.metadata, revision, log);
              return toReport(revision, 'workspace');
            },
            fromSha: async (sha) => {
              const found = await findRevisionBySha({ ...records, sha });
              return found ? toReport(found, 'sha') : undefined;
            },
          },
        },
      )),
    };
  } finally {
    // Pooled keep-alive connections would hold the process open after the run is over.
    s3.destroy();
    codedeploy.client.destroy();
  }
}

/** A broken appspec only fails on the instances, minutes later: refuse it before anything leaves the machine. */
async function checkAppSpec(workspace: string, config: Config, log: Logger): Promise<void> {
  const sourceDir = resolve(workspace, config.revision.source);
  // Named as in the repository (app/appspec.yml), so annotations land on the file.
  const displayRoot = relative(workspace, sourceDir).split(sep).join('/') || '.';
  const { problems } = await loadAppSpecFromDir(sourceDir, displayRoot);
  for (const warning of problems.filter((p) => p.severity === 'warning')) log.warn(warning);
  throwIfErrors(problems);
}
