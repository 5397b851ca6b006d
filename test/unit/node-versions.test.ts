import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// One supported Node range, said the same everywhere: package.json engines (which .ci/run tests
// major by major), the action's runtime, the bundle's target, the project's CI and the README.
const engines: string = JSON.parse(readFileSync('package.json', 'utf8')).engines.node;
const declared = engines.split('||').map((range) => Number(/\d+/.exec(range)![0]));
const runtime = Number(/^\s+using:\s*node(\d+)\s*$/m.exec(readFileSync('action.yml', 'utf8'))![1]);
const current = Number(process.versions.node.split('.')[0]);

interface Workflow {
  on: { push?: { branches?: string[] } };
  jobs: Record<
    string,
    { strategy?: { matrix?: { node?: number[] } }; steps: Array<{ with?: { 'node-version'?: unknown } }> }
  >;
}
const workflow = (name: string) => parse(readFileSync(`.github/workflows/${name}`, 'utf8')) as Workflow;
const nodeVersions = (job: Workflow['jobs'][string]) =>
  job.steps.flatMap((step) => (step.with?.['node-version'] === undefined ? [] : [step.with['node-version']]));

describe('the supported Node versions', () => {
  it('are whole majors, the action runtime among them', () => {
    expect(engines).toMatch(/^\^\d+\.\d+\.\d+( \|\| \^\d+\.\d+\.\d+)*$/);
    expect(declared).toContain(runtime);
    expect(runtime).toBe(24);
  });

  it('the bundle targets the oldest of them', () => {
    expect(readFileSync('scripts/build.mjs', 'utf8')).toContain(`target: 'node${Math.min(...declared)}'`);
  });

  it("the project's CI runs on main, the full suite on the runtime and the CLI's tests on the others", () => {
    const ci = workflow('ci.yml');
    expect(ci.on.push?.branches).toEqual(['main']);
    expect(workflow('check-dist.yml').on.push?.branches).toEqual(['main']);
    expect(nodeVersions(ci.jobs.test!)).toEqual([runtime]);
    expect(nodeVersions(workflow('check-dist.yml').jobs['check-dist']!)).toEqual([runtime]);
    expect(ci.jobs['node-compat']!.strategy?.matrix?.node).toEqual(
      declared.filter((major) => major !== runtime),
    );
  });

  it('the README says them', () => {
    const [last, ...others] = declared.map(String).reverse();
    expect(readFileSync('README.md', 'utf8')).toContain(`Node.js ${others.reverse().join(', ')} or ${last}`);
  });

  // The SDK warns on every run on a Node it is about to drop: it must support each declared one.
  it.skipIf(!declared.includes(current))(
    `the AWS SDK does not warn on this Node (${process.version}, a declared one)`,
    () => {
      const result = spawnSync(
        process.execPath,
        [
          '-e',
          "import('@aws-sdk/client-codedeploy').then((m) => new m.CodeDeployClient({ region: 'us-east-1' }))",
        ],
        // .ci/run redirects every warning to a file: this check must see them on stderr.
        { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
      );
      expect(result.status).toBe(0);
      expect(result.stderr).not.toContain('NodeVersionSupportWarning');
    },
  );
});
