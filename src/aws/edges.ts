import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { AwsEdges, AwsTarget } from '../deploy/ports.js';
import { deploymentUrl } from '../report/links.js';
import type { AwsConnection } from './client-settings.js';
import {
  CODEDEPLOY_REQUESTS_PER_SECOND,
  CodeDeployGateway,
  createCodeDeployClient,
  readLocalConsole,
} from './codedeploy.js';
import { S3CommitRecords } from './commit-records.js';
import { S3GroupLedger } from './group-ledger.js';
import { RateLimiter } from './rate-limit.js';
import { S3RevisionStore } from './revision-store.js';
import { createS3Client } from './s3-client.js';

/**
 * The AWS side of one run, for one application: its CodeDeploy calls (every client sharing one
 * request budget), and, when the config names a bucket, the revision store, the commit records and
 * the group ledger beside it in S3.
 */
export function awsEdges(
  connection: AwsConnection,
  target: AwsTarget,
  { log, clock, cancel }: { log: Logger; clock: Clock; cancel: AbortSignal },
): AwsEdges {
  const region = target.region;
  const connected = { ...connection, region };
  const s3 = createS3Client(connected, { cancel });
  const limiter = new RateLimiter(CODEDEPLOY_REQUESTS_PER_SECOND, clock);
  const client = createCodeDeployClient(connected, { limiter, cancel });
  const codedeploy = new CodeDeployGateway(
    client,
    target.application,
    createCodeDeployClient(connected, { maxAttempts: 1, limiter, cancel }),
  );
  // Only an endpoint the face set (a local CodeDeploy) may name a console of its own; AWS never does.
  let localConsole: string | undefined;
  if (connection.endpoints?.codedeploy) {
    readLocalConsole(client, (base) => {
      localConsole ??= base;
    });
  }
  const place = target.bucket && { s3, ...target.bucket, application: target.application };
  return {
    codedeploy,
    ...(place
      ? {
          bucket: {
            revisions: new S3RevisionStore(place, log, clock, cancel),
            commits: new S3CommitRecords(place, log),
            ledger: new S3GroupLedger(place),
          },
        }
      : {}),
    deploymentUrl: (id) => deploymentUrl(id, region, localConsole),
    close() {
      s3.destroy();
      codedeploy.client.destroy();
      codedeploy.createClient.destroy();
    },
  };
}
