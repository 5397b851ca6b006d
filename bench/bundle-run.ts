// One timed run of the real prepareRevision (walk → digest → HeadObject → archive + upload), in its own
// process so bench/bundle.mjs can read its wall time and peak RSS. Built with esbuild like dist/.
import { createS3Client } from '../src/aws/s3-client.js';
import { prepareRevision } from '../src/aws/s3-upload.js';
import { MemoryLogger } from '../src/core/log.js';

const [workspace, bucket, endpoint] = process.argv.slice(2);
if (!workspace || !bucket || !endpoint) throw new Error('usage: bundle-run WORKSPACE BUCKET ENDPOINT');
const started = performance.now();
const result = await prepareRevision({
  workspace,
  application: 'bench',
  revision: { bucket, prefix: '', bundleType: 'zip', source: '.', exclude: [] },
  s3: createS3Client({ region: 'us-east-1', endpoint }),
  metadata: { sha: '0'.repeat(40), ref: 'refs/heads/main' },
  log: new MemoryLogger(),
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ ...result, seconds, maxRssKb: process.resourceUsage().maxRSS })}\n`);
