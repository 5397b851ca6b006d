import type { NormalizedSchema } from '@smithy/core/schema';
import { describe, expect, it } from 'vitest';
import { MODEL_OPERATIONS, requiredMembers } from '../../src/local/api-model.js';
import { RULES, type Rule, rulesFor } from '../../src/local/constraints.js';
import { createOperations } from '../../src/local/operations/index.js';
import { Store } from '../../src/local/store.js';
import { type BotocoreSummary, botocoreSummary, declaredErrors } from '../helpers/botocore-model.js';

/**
 * The local CodeDeploy reads requests by the JS SDK's copy of the API model plus its table of
 * constraints (constraints.ts). botocore ships another copy of the same model, with the enums and
 * lengths the SDK's schemas drop and each operation's declared errors: the table is checked
 * against it, so that it can neither miss a constraint nor answer an error an operation does not
 * declare.
 */
const botocore: BotocoreSummary = botocoreSummary();
/** Errors every AWS JSON service may answer, whatever the operation declares. */
const COMMON_ERRORS = new Set(['ValidationException', 'SerializationException']);
/**
 * Members the SDK's model has and the AWS CLI's (older) botocore does not yet: the table covers
 * them by the SDK's documentation alone.
 */
const NEWER_IN_THE_SDK = ['CreateDeploymentInput.deploymentMode'];

/** Every (structure, member) of an operation's input, as the SDK's schema has them. */
function sdkMembers(schema: NormalizedSchema, seen = new Set<string>()): string[] {
  const found: string[] = [];
  const visit = (s: NormalizedSchema) => {
    let inner = s;
    while (inner.isListSchema() || inner.isMapSchema()) inner = inner.getValueSchema();
    if (inner.isStructSchema()) found.push(...sdkMembers(inner, seen));
  };
  const name = schema.getName() ?? '';
  if (seen.has(name)) return found;
  seen.add(name);
  for (const [member, memberSchema] of schema.structIterator()) {
    found.push(`${name}.${member}`);
    visit(memberSchema);
  }
  return found;
}

describe('the API model and the table of constraints, against botocore’s copy of the model', () => {
  it('knows every operation of the model and answers each one', () => {
    const operations = createOperations({
      store: new Store('/nonexistent'),
      engine: {} as never,
      fleets: {} as never,
      now: Date.now,
      newDeploymentId: () => 'd-AAAAAAAAA',
      pageSize: 100,
      region: 'us-east-1',
      accountId: '123456789012',
    });
    const names = Object.keys(botocore.operations).sort();
    expect(names).toHaveLength(47);
    expect([...MODEL_OPERATIONS.keys()].sort()).toEqual(names);
    expect(Object.keys(operations).sort()).toEqual(names);
  });

  it('reads the same input members and required members as botocore', () => {
    const everySdkMember = [...MODEL_OPERATIONS.values()].flatMap((operation) => sdkMembers(operation.input));
    expect(everySdkMember).toEqual(expect.arrayContaining(NEWER_IN_THE_SDK));
    for (const [name, operation] of MODEL_OPERATIONS) {
      const model = botocore.members
        .filter((m) => m.operation === name)
        .map((m) => `${m.structure}.${m.member}`)
        .sort();
      const sdk = sdkMembers(operation.input).filter((member) => !NEWER_IN_THE_SDK.includes(member));
      expect(sdk.sort(), name).toEqual(model);
      expect([...requiredMembers(operation.input)].sort(), name).toEqual(botocore.operations[name]?.required);
    }
  });

  it('enforces every enum and length the model states, on every member that has one', () => {
    const missing: string[] = [];
    for (const m of botocore.members) {
      const rules = rulesFor(m.operation, m.structure, m.member);
      const where = `${m.operation}: ${m.structure}.${m.member}`;
      const checks: Array<[string, (rule: Rule) => boolean]> = [];
      const { enum: values, min, max } = m.constraints;
      const sameValues = (oneOf: Readonly<Record<string, string>> | undefined, expected: string[]) =>
        oneOf !== undefined &&
        JSON.stringify(Object.values(oneOf).sort()) === JSON.stringify([...expected].sort());
      if (values) checks.push([`one of ${values}`, (rule) => sameValues(rule.oneOf, values)]);
      if (m.type === 'string' && (min !== undefined || max !== undefined)) {
        checks.push([
          `${min}..${max} characters`,
          (rule) => rule.chars?.min === min && rule.chars?.max === max,
        ]);
      }
      if (m.item.enum) {
        const items = m.item.enum;
        checks.push([`items one of ${items}`, (rule) => sameValues(rule.each?.oneOf, items)]);
      }
      for (const [what, holds] of checks) if (!rules.some(holds)) missing.push(`${where} ${what}`);
    }
    expect(missing).toEqual([]);
  });

  it('answers a broken rule or a missing member with an error the operation declares', () => {
    const undeclared: string[] = [];
    for (const m of botocore.members) {
      const declared = declaredErrors(botocore, m.operation);
      const rules = rulesFor(m.operation, m.structure, m.member);
      const required =
        botocore.operations[m.operation]?.required.includes(m.member) === true &&
        m.structure.endsWith('Input');
      const missing =
        required || rules.some((rule) => rule.required) ? rules.find((r) => r.missing)?.missing : undefined;
      for (const error of [...rules.map((rule) => rule.error), missing]) {
        if (error !== undefined && !declared.has(error) && !COMMON_ERRORS.has(error)) {
          undeclared.push(`${m.operation}: ${m.structure}.${m.member} → ${error}`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('has no rule for a member the model does not have', () => {
    const unused = RULES.flatMap((rule) =>
      (typeof rule.at === 'string' ? [rule.at] : rule.at).filter(
        (at) =>
          !NEWER_IN_THE_SDK.includes(at) &&
          !botocore.members.some(
            (m) =>
              (at === m.member || at === `${m.structure}.${m.member}`) &&
              (rule.in === undefined || rule.in.includes(m.operation)),
          ),
      ),
    );
    expect(unused).toEqual([]);
  });
});
