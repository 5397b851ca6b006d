import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/deploy/results.js';
import { notPlanned } from '../../src/plan/plan.js';
import { renderSummary } from '../../src/report/summary.js';
import {
  branchTornDown,
  dryRun,
  failureWithDiagnostics,
  previewTornDown,
  sequentialNotStarted,
  skipped,
  successOnThreeGroups,
  supersededOnly,
} from '../helpers/run-results.js';

// Golden files: test/golden/summary-*.md hold the exact job summary. After an intended change,
// regenerate them with `UPDATE_GOLDEN=1 npx vitest run test/unit/summary.test.ts` and review the diff.
const cases: Array<[string, () => RunResult]> = [
  ['success', successOnThreeGroups],
  ['failure', failureWithDiagnostics],
  ['skip', skipped],
  ['dry-run', dryRun],
  ['sequential', sequentialNotStarted],
  ['teardown', previewTornDown],
  ['branch-teardown', branchTornDown],
  ['superseded', supersededOnly],
];

describe('renderSummary (golden files)', () => {
  it.each(cases)('%s', (name, build) => {
    const file = `test/golden/summary-${name}.md`;
    const actual = renderSummary(build());
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});

describe('renderSummary keeps hostile text inert', () => {
  const summary = renderSummary(failureWithDiagnostics());

  it('puts log tails in a fence longer than any backtick run inside, without terminal colours', () => {
    expect(summary).toContain('````text\n[stdout]checking http://localhost:8080/health | expecting 200');
    expect(summary).toContain('[stderr]curl: (7) Failed to connect\n');
    expect(summary).not.toContain('\u001b');
  });

  it('never lets an instance field open a tag in <summary>', () => {
    const result = failureWithDiagnostics();
    result.groups[0]!.failures[0]!.script = 'a<b>"c"&d';
    expect(renderSummary(result)).toContain('<code>a&lt;b&gt;&quot;c&quot;&amp;d</code>');
  });

  it('escapes pipes and emphasis in free text so tables and sentences stay intact', () => {
    const result = sequentialNotStarted();
    result.groups[1]!.note = 'not started | *really* <b>';
    expect(renderSummary(result)).toContain('- **production**: not started \\| \\*really\\* \\<b\\>');
  });

  it('an application that failed before it had a plan says so, not that it was skipped', () => {
    const failed: RunResult = {
      ...skipped(),
      status: 'failed',
      plan: notPlanned(new Error('no entry matches "x"')),
    };
    const summary = renderSummary(failed);
    expect(summary).toContain('**Not deployed:** not planned: no entry matches "x"');
    expect(summary).not.toContain('Skipped');
  });

  it('names the fleet of a blue/green deployment’s failed instance', () => {
    const result = failureWithDiagnostics();
    const [first] = result.groups[0]!.failures;
    result.groups[0]!.failures = [{ ...first!, instanceId: 'i-green', fleet: 'replacement' }];
    expect(renderSummary(result)).toContain('<summary><code>i-green</code> (replacement fleet): ');
  });

  it('shows at most 10 failed instances per group and counts the rest', () => {
    const result = failureWithDiagnostics();
    const [first] = result.groups[0]!.failures;
    result.groups[0]!.failures = Array.from({ length: 13 }, (_, i) => ({ ...first!, instanceId: `i-${i}` }));
    const text = renderSummary(result);
    expect(text.match(/<details>/g)).toHaveLength(10);
    expect(text).toContain('…and 3 more failed instances');
  });
});
