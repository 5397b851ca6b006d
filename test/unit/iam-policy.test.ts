import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AwsService, iamActionsFor, UPLOAD_ACTIONS } from '../../src/aws/iam-actions.js';
import { expandLoops, loadTemplate, parameterValues, walk } from '../helpers/cfn.js';

/**
 * The permissions documented for the deploy roles must be exactly those the code needs: every IAM
 * action of every AWS command src/ sends is granted (else a user meets AccessDenied), and nothing else
 * is (least privilege). There is one role per environment class (production, non-production,
 * previews); the table of docs/setup-aws.md says which role has which action, and the template must
 * agree. The command list is read from the sources at test time, so adding a call
 * without documenting its permission fails here, naming the action and where it is called.
 *
 * src/local/ is left out: it is the local CodeDeploy emulator, whose S3 reads stand for the agent on
 * the instances (the instance profile's permissions, not the deploy role's).
 */

const PACKAGES: Record<string, AwsService> = {
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-codedeploy': 'codedeploy',
};

interface Call {
  file: string;
  line: number;
  what: string;
  actions: readonly string[] | undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(dir, file))
    .filter((file) => !file.startsWith(join('src', 'local')));
}

async function awsCalls(): Promise<Call[]> {
  const sdk: Record<AwsService, Record<string, unknown>> = {
    s3: await import('@aws-sdk/client-s3'),
    codedeploy: await import('@aws-sdk/client-codedeploy'),
  };
  const calls: Call[] = [];
  for (const file of sourceFiles('src')) {
    const text = readFileSync(file, 'utf8');
    const services = Object.entries(PACKAGES)
      .filter(([pkg]) => text.includes(`'${pkg}'`))
      .map(([, service]) => service);
    const lineOf = (index: number) => text.slice(0, index).split('\n').length;
    for (const match of text.matchAll(/new\s+(?:\w+\.)?(\w+)Command\s*\(/g)) {
      const operation = match[1]!;
      const service = services.find((s) => `${operation}Command` in sdk[s]);
      if (services.length === 0) continue;
      calls.push({
        file,
        line: lineOf(match.index),
        what: `${service ?? services.join('|')}:${operation}`,
        actions: service ? iamActionsFor(service, operation) : undefined,
      });
    }
    for (const match of text.matchAll(/\b(paginate|waitUntil|waitFor)(\w+)\s*\(/g)) {
      if (services.length === 0) continue;
      const service = services.find((s) => `${match[1]}${match[2]}` in sdk[s]);
      if (!service) continue;
      // A paginator sends its operation; a waiter is not in the table (and retries AccessDenied: avoid).
      calls.push({
        file,
        line: lineOf(match.index),
        what: `${service}:${match[1]}${match[2]}`,
        actions: match[1] === 'paginate' ? iamActionsFor(service, match[2]!) : undefined,
      });
    }
    if (text.includes(`'@aws-sdk/lib-storage'`)) {
      for (const match of text.matchAll(/new\s+Upload\s*\(/g))
        calls.push({ file, line: lineOf(match.index), what: 'lib-storage:Upload', actions: UPLOAD_ACTIONS });
    }
  }
  return calls;
}

const IAM_ACTION = /^(s3|codedeploy|iam):[A-Za-z0-9]+$/;

/** The deploy roles of the template, as docs/setup-aws.md names them. */
const ROLES: Record<string, string> = {
  production: 'ProductionDeployRole',
  'non-production': 'NonProductionDeployRole',
  previews: 'PreviewDeployRole',
};

/** The policy documents attached to a role: its own and the managed ones (per-group loops expanded). */
function policyDocuments(role: string): unknown[] {
  const template = loadTemplate('examples/aws-setup.cfn.yml');
  const resources = expandLoops(template, parameterValues(template));
  expect(resources[role]?.Type, role).toBe('AWS::IAM::Role');
  const own = (resources[role]?.Properties?.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? [];
  const managed = Object.values(resources).filter(
    (resource) =>
      resource.Type === 'AWS::IAM::ManagedPolicy' &&
      ((resource.Properties?.Roles ?? []) as Array<{ Ref?: string }>).some((r) => r.Ref === role),
  );
  return [
    ...own.map((policy) => policy.PolicyDocument),
    ...managed.map((policy) => policy.Properties?.PolicyDocument),
  ];
}

function actionsIn(document: unknown): string[] {
  const actions: string[] = [];
  for (const [key, value] of walk(document)) {
    if (key !== 'Action') continue;
    for (const action of [value].flat()) actions.push(String(action));
  }
  return actions;
}

/** Every action a role is granted, once. */
function roleActions(role: string): string[] {
  return [...new Set(policyDocuments(role).flatMap(actionsIn))].sort();
}

function templateActions(): string[] {
  return [...new Set(Object.values(ROLES).flatMap(roleActions))];
}

/** The Roles column of docs/setup-aws.md: action → the template roles it names. */
function documentedRoles(): Map<string, string[]> {
  const text = readFileSync('docs/setup-aws.md', 'utf8');
  const section = /<!-- iam-actions:start -->([\s\S]*?)<!-- iam-actions:end -->/.exec(text)?.[1] ?? '';
  return new Map(
    [...section.matchAll(/^\|\s*`([^`]+)`\s*\|([^|]+)\|/gm)].map((m) => {
      const cell = m[2]!.trim();
      const names = cell === 'all' ? Object.keys(ROLES) : cell.split(/,\s*/);
      return [m[1]!, names.map((name) => ROLES[name] ?? `unknown role "${name}"`).sort()];
    }),
  );
}

function documentedActions(): string[] {
  const text = readFileSync('docs/setup-aws.md', 'utf8');
  const section = /<!-- iam-actions:start -->([\s\S]*?)<!-- iam-actions:end -->/.exec(text)?.[1];
  if (!section)
    throw new Error(
      'docs/setup-aws.md has no <!-- iam-actions:start --> ... <!-- iam-actions:end --> section',
    );
  // The first column of the table: `s3:GetObject`.
  return [...section.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]!);
}

function difference(a: Iterable<string>, b: Set<string>): string[] {
  return [...new Set(a)].filter((x) => !b.has(x)).sort();
}

describe('the deploy roles grant exactly what the code calls', () => {
  let calls: Call[];
  let needed: Set<string>;

  beforeAll(async () => {
    calls = await awsCalls();
    needed = new Set(calls.flatMap((call) => call.actions ?? []));
  });

  it('finds the calls of the sources (a scan that finds nothing proves nothing)', () => {
    expect(calls.map((c) => c.what)).toContain('codedeploy:CreateDeployment');
    expect([...needed].every((action) => IAM_ACTION.test(action))).toBe(true);
  });

  it('maps every AWS call to its IAM actions (src/aws/iam-actions.ts)', () => {
    const unmapped = calls.filter((call) => !call.actions).map((c) => `${c.file}:${c.line}: ${c.what}`);
    expect(unmapped, 'add these operations to src/aws/iam-actions.ts').toEqual([]);
  });

  it('examples/aws-setup.cfn.yml grants every action the code needs', () => {
    const missing = difference(needed, new Set(templateActions()));
    const where = missing.map(
      (action) =>
        `${action} (${calls
          .filter((c) => c.actions?.includes(action))
          .map((c) => `${c.file}:${c.line}`)
          .join(', ')})`,
    );
    expect(where, 'add to a deploy role of examples/aws-setup.cfn.yml').toEqual([]);
  });

  it('examples/aws-setup.cfn.yml grants nothing the code does not need', () => {
    const extra = difference(templateActions(), needed);
    expect(extra, 'remove from the deploy roles of examples/aws-setup.cfn.yml').toEqual([]);
  });

  it('docs/setup-aws.md lists every action the code needs, and nothing else', () => {
    const documented = documentedActions();
    expect(difference(needed, new Set(documented)), 'add rows to the table of docs/setup-aws.md').toEqual([]);
    expect(difference(documented, needed), 'remove rows from the table of docs/setup-aws.md').toEqual([]);
    expect(documented.length, 'each action once').toBe(new Set(documented).size);
  });

  it('docs/setup-aws.md names, for each action, exactly the roles the template grants it to', () => {
    const granted = new Map<string, string[]>();
    for (const role of Object.values(ROLES))
      for (const action of roleActions(role))
        granted.set(action, [...(granted.get(action) ?? []), role].sort());
    expect(Object.fromEntries(documentedRoles())).toEqual(Object.fromEntries(granted));
  });

  it('the roles differ only in what creates and deletes groups: the rest is granted to all three', () => {
    const [production, nonProduction, previews] = Object.values(ROLES).map(roleActions);
    expect(difference(nonProduction!, new Set(production))).toEqual([
      'codedeploy:CreateDeploymentGroup',
      'codedeploy:DeleteDeploymentGroup',
      'iam:PassRole',
      's3:DeleteObject',
    ]);
    expect(nonProduction).toEqual(previews);
  });

  it('each policy document lists each action once', () => {
    for (const role of Object.values(ROLES)) {
      for (const document of policyDocuments(role)) {
        const actions = actionsIn(document);
        expect(actions.length, role).toBe(new Set(actions).size);
      }
    }
  });
});

describe('iamActionsFor', () => {
  it('names CodeDeploy actions after the operation, with what some operations also need', () => {
    expect(iamActionsFor('codedeploy', 'GetDeployment')).toEqual(['codedeploy:GetDeployment']);
    expect(iamActionsFor('codedeploy', 'CreateDeploymentGroup')).toEqual([
      'codedeploy:CreateDeploymentGroup',
      'iam:PassRole',
    ]);
    expect(iamActionsFor('codedeploy', 'CreateDeployment')).toContain('codedeploy:GetDeploymentConfig');
  });

  it('maps S3 operations to the actions that authorise them, and knows no others', () => {
    expect(iamActionsFor('s3', 'UploadPart')).toEqual(['s3:PutObject']);
    expect(iamActionsFor('s3', 'ListObjectsV2')).toEqual(['s3:ListBucket']);
    expect(iamActionsFor('s3', 'HeadObject')).toEqual([
      's3:GetObject',
      's3:GetObjectVersion',
      's3:ListBucket',
    ]);
    expect(iamActionsFor('s3', 'PutBucketPolicy')).toBeUndefined();
  });
});
