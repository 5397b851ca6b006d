import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfigOrThrow } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { planDeployments } from '../../src/plan/plan.js';
import { iamMatches, loadTemplate, parameterValues } from '../helpers/cfn.js';
import { deleted, dispatch, pullRequest, push, release, workflowRun } from '../helpers/triggers.js';

// The workflows people copy must stay true to action.yml: every `with:` key an input, every
// `steps.<id>.outputs.<name>` an output, every `inputs.<name>` a workflow_dispatch input.

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

const workflowFile = (name: string) =>
  parse(readFileSync(`examples/workflows/${name}`, 'utf8')) as Workflow & { concurrency?: { group: string } };
interface Job {
  if?: string;
  environment?: string;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { inputs?: Record<string, unknown> } | null>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
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
  it('are there: push, after CI, release, branch deletion, manual redeploy/rollback, pull-request previews', () => {
    expect(files.sort()).toEqual([
      'examples/workflows/after-ci.yml',
      'examples/workflows/branch-cleanup.yml',
      'examples/workflows/deploy.yml',
      'examples/workflows/preview.yml',
      'examples/workflows/redeploy.yml',
      'examples/workflows/release.yml',
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
    const preview = workflowFile('preview.yml');
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

// The boundary of docs/setup-aws.md: a job gets the role of its environment class, and the
// production role only in the GitHub environment production. The workflows route each ref to its job
// with `if:` expressions, evaluated here as GitHub does for the events and refs they handle.

/** The map each workflow is written for. */
const mapOf = (name: string): Config =>
  parseConfigOrThrow(
    name.startsWith('README.md')
      ? [...readFileSync('README.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
          .map((m) => m[1]!)
          .find((block) => /^application:/m.test(block))!
      : readFileSync('examples/codedeploy.yml', 'utf8'),
    'map',
  ).config;

const ROLE = /vars\.CODEDEPLOY_(PRODUCTION|NONPRODUCTION|PREVIEW)_ROLE_ARN/;
const roleOf = (job: Job) => {
  const step = job.steps.find((candidate) =>
    candidate.uses?.startsWith('aws-actions/configure-aws-credentials'),
  );
  return ROLE.exec(String(step?.with?.['role-to-assume']))?.[1];
};

type Context = Record<string, string>;

function context(event: string, ref: string, extra: Context = {}): Context {
  return {
    'github.event_name': event,
    'github.ref': ref,
    'github.repository': 'acme/shop',
    'github.event.pull_request.head.repo.full_name': 'acme/shop',
    ...extra,
  };
}

/** GitHub's expression syntax, as far as the workflows use it: names, 'strings', == != ! && || ( ) startsWith(a, b). */
function evaluate(expression: string | undefined, values: Context): boolean | string {
  if (expression === undefined) return true;
  const tokens = expression.match(/'[^']*'|[A-Za-z_][\w.-]*|==|!=|&&|\|\||[!(),]/g) ?? [];
  let at = 0;
  const next = () => tokens[at++]!;
  const primary = (): boolean | string => {
    const token = next();
    if (token === '!') return !truthy(primary());
    if (token === '(') {
      const value = or();
      next();
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1);
    if (token === 'startsWith') {
      next();
      const text = String(or());
      next();
      const prefix = String(or());
      next();
      return text.toLowerCase().startsWith(prefix.toLowerCase());
    }
    return values[token] ?? '';
  };
  const compare = (): boolean | string => {
    const left = primary();
    if (tokens[at] !== '==' && tokens[at] !== '!=') return left;
    const equal = next() === '==';
    return (String(left).toLowerCase() === String(primary()).toLowerCase()) === equal;
  };
  const and = (): boolean | string => {
    let value = compare();
    while (tokens[at] === '&&') {
      next();
      const right = compare();
      value = truthy(value) && truthy(right);
    }
    return value;
  };
  const or = (): boolean | string => {
    let value = and();
    while (tokens[at] === '||') {
      next();
      const right = and();
      value = truthy(value) || truthy(right);
    }
    return value;
  };
  return or();
}
const truthy = (value: boolean | string) => value !== false && value !== '';

const routed = workflows.filter(
  (w) => w.workflow && Object.values(w.workflow.jobs).some((job) => roleOf(job)),
);

describe.each(routed)('$name: each job assumes the role of its environment class', ({ name, workflow }) => {
  const jobs = Object.entries(workflow!.jobs);
  const map = mapOf(name);
  const events = Object.keys(workflow!.on);

  const refs = [
    'refs/heads/master',
    'refs/heads/develop',
    'refs/heads/feature/x',
    'refs/heads/release/1.0',
    'refs/tags/v1.2.0',
    'refs/tags/other',
  ];
  const forPullRequests = (action: string, head = 'acme/shop') =>
    context('pull_request', 'refs/pull/7/merge', {
      'github.event.action': action,
      'github.event.pull_request.head.repo.full_name': head,
    });

  it('the production role only in the environment production; the preview role only for pull requests', () => {
    for (const [id, job] of jobs) {
      const role = roleOf(job);
      expect(role === 'PRODUCTION', id).toBe(job.environment === 'production');
      const forPushes = events
        .filter((event) => event !== 'pull_request')
        .some((event) => refs.some((ref) => truthy(evaluate(job.if, context(event, ref)))));
      const forPulls = events.includes('pull_request') && truthy(evaluate(job.if, forPullRequests('opened')));
      expect(role === 'PREVIEW', id).toBe(forPulls);
      expect(forPulls && forPushes, id).toBe(false);
    }
  });

  const cases = events
    .filter((event) => event === 'push' || event === 'workflow_dispatch')
    .flatMap((event) => refs.map((ref) => [event, ref] as const));
  it.each(cases)('%s of %s runs in the job of the class the map deploys it to', (event, ref) => {
    const running = jobs
      .filter(([, job]) => truthy(evaluate(job.if, context(event, ref))))
      .map(([, job]) => roleOf(job));
    const trigger = event === 'push' ? push(ref) : dispatch(ref.replace(/^refs\/heads\//, ''));
    if (event === 'workflow_dispatch' && ref.startsWith('refs/tags/')) return;
    const plan = planDeployments(map, trigger);
    const groups = plan.skipped ? [] : plan.deployments.map((d) => d.deploymentGroup);
    if (groups.includes('production')) expect(running).toEqual(['PRODUCTION']);
    else if (ref.startsWith('refs/tags/')) expect(running).toEqual([]);
    else expect(running).toEqual(['NONPRODUCTION']);
  });

  it.skipIf(!events.includes('pull_request'))(
    'a pull request runs in the preview job: a closed one checks out nothing, a fork gets no credentials',
    () => {
      const running = jobs.filter(([, job]) => truthy(evaluate(job.if, forPullRequests('opened'))));
      expect(running.map(([, job]) => roleOf(job))).toEqual(['PREVIEW']);
      const steps = running[0]![1].steps;
      const checkout = steps.find((step) => step.uses?.startsWith('actions/checkout'))!;
      const credentials = steps.find((step) =>
        step.uses?.startsWith('aws-actions/configure-aws-credentials'),
      )!;
      expect(truthy(evaluate(checkout.if, forPullRequests('closed')))).toBe(false);
      expect(truthy(evaluate(checkout.if, forPullRequests('synchronize')))).toBe(true);
      expect(truthy(evaluate(credentials.if, forPullRequests('opened', 'stranger/shop')))).toBe(false);
      expect(truthy(evaluate(credentials.if, forPullRequests('opened')))).toBe(true);
      expect(planDeployments(map, pullRequest('opened'))).toMatchObject({ skipped: false });
    },
  );
});

// The workflows of the events whose job runs on another ref than the one it deploys or tears down.
describe('after-ci.yml, release.yml, branch-cleanup.yml: each event runs in the job of its class', () => {
  const map = mapOf('examples/workflows');
  const classOf = (job: Job) => roleOf(job);
  const running = (workflow: Workflow, values: Context) =>
    Object.values(workflow.jobs).filter((job) => truthy(evaluate(job.if, values)));
  const groupsOf = (plan: ReturnType<typeof planDeployments>) =>
    plan.skipped ? [] : plan.deployments.map((d) => d.deploymentGroup);

  const afterCi = workflowFile('after-ci.yml');
  // A workflow_run job runs on the default branch; the finished run's branch is in the event.
  const finished = (branch: string, run: Context = {}) =>
    context('workflow_run', 'refs/heads/master', {
      'github.event.workflow_run.conclusion': 'success',
      'github.event.workflow_run.event': 'push',
      'github.event.workflow_run.head_branch': branch,
      'github.event.workflow_run.head_repository.full_name': 'acme/shop',
      ...run,
    });

  it.each(['master', 'develop', 'feature/x', 'release/1.0'])(
    'after-ci.yml: the run of %s deploys from the job of the class the map deploys it to, checking out the run’s commit',
    (branch) => {
      expect(afterCi.on.workflow_run).toMatchObject({ workflows: ['ci'], types: ['completed'] });
      const jobs = running(afterCi, finished(branch));
      const groups = groupsOf(planDeployments(map, workflowRun(branch)));
      expect(groups.length).toBeGreaterThan(0);
      expect(jobs.map(classOf)).toEqual([groups.includes('production') ? 'PRODUCTION' : 'NONPRODUCTION']);
      const checkout = jobs[0]!.steps.find((step) => step.uses?.startsWith('actions/checkout'));
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, compared as written
      expect(checkout?.with?.ref).toBe('${{ github.event.workflow_run.head_sha }}');
    },
  );

  it.each([
    ['failed', { 'github.event.workflow_run.conclusion': 'failure' }],
    ['was a pull request’s', { 'github.event.workflow_run.event': 'pull_request' }],
    ['came from a fork', { 'github.event.workflow_run.head_repository.full_name': 'mallory/shop' }],
  ])('after-ci.yml: a run that %s starts no job (and gets no credentials)', (_, run) => {
    expect(running(afterCi, finished('master', run))).toEqual([]);
    expect(running(afterCi, finished('feature/x', run))).toEqual([]);
  });

  it('release.yml: a published release deploys from the production environment, as the map sends tags to production', () => {
    const workflow = workflowFile('release.yml');
    expect(workflow.on.release).toEqual({ types: ['published'] });
    const jobs = running(workflow, context('release', 'refs/tags/v1.2.0'));
    expect(jobs.map((job) => [classOf(job), job.environment])).toEqual([['PRODUCTION', 'production']]);
    expect(groupsOf(planDeployments(map, release('v1.2.0')))).toEqual(['production']);
  });

  it('branch-cleanup.yml: a deleted branch is torn down with the non-production role, which may delete exactly those groups', () => {
    const workflow = workflowFile('branch-cleanup.yml');
    expect(workflow.on).toHaveProperty('delete');
    const deletion = (type: string) =>
      running(workflow, context('delete', 'refs/heads/master', { 'github.event.ref_type': type }));
    expect(deletion('tag')).toEqual([]);
    const [job, ...others] = deletion('branch');
    expect(others).toEqual([]);
    expect(classOf(job!)).toBe('NONPRODUCTION');
    expect(job!.steps.some((step) => step.uses?.startsWith('actions/checkout'))).toBe(false);
    const plan = planDeployments(map, deleted('feature/x'));
    expect(plan).toMatchObject({ action: 'teardown', deployments: [{ deploymentGroup: 'feature-x' }] });
    // examples/aws-setup.cfn.yml lets the non-production role delete these groups, with its defaults.
    const deletable = parameterValues(loadTemplate('examples/aws-setup.cfn.yml'))
      .BranchTeardownGroups as string[];
    expect(deletable.some((pattern) => iamMatches(pattern, 'feature-x'))).toBe(true);
  });

  it('deploy.yml: a push that deletes a branch starts no job (branch-cleanup.yml tears it down)', () => {
    const workflow = workflowFile('deploy.yml');
    for (const ref of ['refs/heads/master', 'refs/heads/feature/x', 'refs/heads/release/1.0'])
      expect(running(workflow, context('push', ref, { 'github.event.deleted': 'true' }))).toEqual([]);
  });
});
