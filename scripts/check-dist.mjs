// dist/ is what GitHub runs, and the schema validator module what the sources run: after
// `npm run build` both must be exactly what is committed.
import { execFileSync } from 'node:child_process';
import { SCHEMA_MODULE } from './schema-validator.mjs';

const generated = ['dist', SCHEMA_MODULE];
const changed = execFileSync('git', ['status', '--porcelain', '--', ...generated], {
  encoding: 'utf8',
}).trim();
if (changed) {
  console.error(
    `${generated.join(' and ')} do not match the sources. Run \`npm run build\` and commit them.\n${changed}`,
  );
  process.exit(1);
}
console.log(`${generated.join(' and ')} are fresh`);
