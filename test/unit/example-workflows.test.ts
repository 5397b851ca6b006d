import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The workflows people copy must stay true to action.yml: every `with:` key an input, every
// `steps.<id>.outputs.<name>` an output, every `inputs.<name>` a workflow_dispatch input.

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, { inputs?: Record<string, unknown> } | null>;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};
const isOurs = (step: Step) => /^codedeploy-gitops\/codedeploy-gitops@|^\.\/?$/.test(step.uses ?? '');

const files = readdirSync('examples/workflows')
  .filter((f) => f.endsWith('.yml'))
  .map((f) => join('examples/workflows', f));
// Workflows and step lists shown in the docs are checked the same way.
const snippets = ['README.md', 'docs/setup-aws.md'].flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m, i) => ({ name: `${file} block ${i + 1}`, text: m[1]! }))
    .filter((block) => block.text.includes('uses: codedeploy-gitops/codedeploy-gitops@')),
);
const workflows = [
  ...files.map((file) => ({ name: file, text: readFileSync(file, 'utf8') })),
  ...snippets,
].map(({ name, text }) => {
  const parsed = parse(text) as Workflow | Step[];
  // A snippet may be a whole workflow or just the steps.
  const steps = Array.isArray(parsed) ? parsed : Object.values(parsed.jobs).flatMap((job) => job.steps);
  return { name, text, workflow: Array.isArray(parsed) ? undefined : parsed, steps };
});

describe('example workflows', () => {
  it('are there: push, manual redeploy/rollback, pull-request previews', () => {
    expect(files.sort()).toEqual([
      'examples/workflows/deploy.yml',
      'examples/workflows/preview.yml',
      'examples/workflows/redeploy.yml',
    ]);
    expect(snippets.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(workflows)('$name', ({ text, workflow, steps }) => {
    const ours = steps.filter(isOurs);

    it('uses the action with declared inputs only', () => {
      expect(ours.length).toBeGreaterThan(0);
      const declared = Object.keys(action.inputs);
      for (const step of ours) expect(declared).toEqual(expect.arrayContaining(Object.keys(step.with ?? {})));
    });

    it('reads declared outputs only', () => {
      const ids = new Set(ours.map((s) => s.id).filter(Boolean));
      const used = [...text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)].filter((m) => ids.has(m[1]!));
      expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(used.map((m) => m[2]!)));
    });

    it.skipIf(!workflow)('refers only to workflow_dispatch inputs it declares', () => {
      const declared = Object.keys(workflow?.on?.workflow_dispatch?.inputs ?? {});
      const used = [...text.matchAll(/\binputs\.([\w-]+)/g)].map((m) => m[1]!);
      expect(declared).toEqual(expect.arrayContaining(used));
    });

    it.skipIf(!workflow)('asks for an OIDC token and no more than read access to the code', () => {
      expect(workflow?.permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
    });
  });

  it('previews run on every pull-request event they handle, with the permissions they need', () => {
    const preview = parse(readFileSync('examples/workflows/preview.yml', 'utf8')) as Workflow & {
      concurrency?: { group: string };
    };
    expect(preview.on.pull_request).toEqual({ types: ['opened', 'synchronize', 'reopened', 'closed'] });
    expect(preview.permissions).toEqual({
      contents: 'read',
      deployments: 'write',
      'pull-requests': 'write',
      'id-token': 'write',
    });
    expect(preview.concurrency?.group).toContain('github.event.pull_request.number');
  });
});
