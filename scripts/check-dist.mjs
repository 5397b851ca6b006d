// dist/ is what GitHub runs; it must be exactly what the sources build to.
import { execFileSync } from 'node:child_process';

const changed = execFileSync('git', ['status', '--porcelain', '--', 'dist'], { encoding: 'utf8' }).trim();
if (changed) {
  console.error(`dist/ does not match the sources. Run \`npm run build\` and commit dist/.\n${changed}`);
  process.exit(1);
}
console.log('dist/ is fresh');
