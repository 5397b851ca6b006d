// One timed run of the real revision path (walk → digest → HeadObject → archive + upload), in its own
// process so bench/bundle.mjs can read its wall time and peak RSS. Built with esbuild like dist/, the
// AWS SDK in a chunk loaded once the revision is prepared, as the action loads it.
// With --archive FILE (relative to WORKSPACE): a pre-built archive's path (list and check, digest →
// HeadObject → upload as it is).
import { prepareBundle } from '../src/bundle/bundle.js';
import { preparePrebuilt } from '../src/bundle/prebuilt.js';
import { realClock } from '../src/core/clock.js';
import { MemoryLogger } from '../src/core/log.js';

const [workspace, bucket, endpoint, flag, archive] = process.argv.slice(2);
if (!workspace || !bucket || !endpoint)
  throw new Error('usage: bundle-run WORKSPACE BUCKET ENDPOINT [--archive FILE]');
const log = new MemoryLogger();
const started = performance.now();
const prepared =
  flag === '--archive' && archive
    ? await preparePrebuilt(workspace, { kind: 'archive', archive }, 'zip', log)
    : await prepareBundle(workspace, { bundleType: 'zip', source: '.', exclude: [] }, log);
const { S3RevisionStore } = await import('../src/aws/revision-store.js');
const { createS3Client } = await import('../src/aws/s3-client.js');
const s3 = createS3Client({ region: 'us-east-1', endpoints: { s3: endpoint } });
const store = new S3RevisionStore(
  { s3, bucket, prefix: '', application: 'bench' },
  log,
  realClock,
  new AbortController().signal,
);
const result = await store.store(prepared, { sha: '0'.repeat(40), ref: 'refs/heads/main' });
await prepared.close();
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ ...result, seconds, maxRssKb: process.resourceUsage().maxRSS })}\n`);
