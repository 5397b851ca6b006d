import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/deploy/results.js';
import { isPreviewComment, previewMarker, renderPreviewComment } from '../../src/report/pr-comment.js';
import {
  atStart,
  failureWithDiagnostics,
  previewDeployed,
  previewTornDown,
  RUN_URL,
} from '../helpers/run-results.js';

const HEAD = '1111111111111111111111111111111111111111';

/** A failed preview: the failure fixture's group and diagnostics, on a pull request. */
function previewFailed(): RunResult {
  const preview = previewDeployed('synchronize', HEAD);
  const [failed] = failureWithDiagnostics().groups;
  return {
    ...preview,
    status: 'failed',
    groups: [
      {
        ...failed!,
        group: 'pr-42',
        environment: 'preview-42',
        note: 'rolled back to the last good revision',
      },
    ],
  };
}

// Golden files: test/golden/pr-comment-*.md. Regenerate after an intended change with
// `UPDATE_GOLDEN=1 npx vitest run test/unit/pr-comment.test.ts` and review the diff.
const cases: Array<[string, () => string]> = [
  ['started', () => renderPreviewComment(atStart(previewDeployed('opened', HEAD)), 'started', RUN_URL)],
  ['succeeded', () => renderPreviewComment(previewDeployed('opened', HEAD), 'finished', RUN_URL)],
  ['failed', () => renderPreviewComment(previewFailed(), 'finished', RUN_URL)],
  ['torn-down', () => renderPreviewComment(previewTornDown(), 'finished', RUN_URL)],
];

describe('renderPreviewComment (golden files)', () => {
  it.each(cases)('%s', (name, render) => {
    const file = `test/golden/pr-comment-${name}.md`;
    const actual = render();
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});

describe('the preview marker', () => {
  it('is the first line, and names the application', () => {
    const body = renderPreviewComment(previewDeployed('opened', HEAD), 'finished', RUN_URL);
    expect(body.split('\n')[0]).toBe('<!-- codedeploy-gitops:pr-preview:shop -->');
    expect(isPreviewComment(body, 'shop')).toBe(true);
    expect(isPreviewComment(body, 'shop-admin')).toBe(false);
  });

  it('is not found in a comment that quotes it or has it further down', () => {
    expect(isPreviewComment(`> ${previewMarker('shop')}`, 'shop')).toBe(false);
    expect(isPreviewComment(`hello\n${previewMarker('shop')}`, 'shop')).toBe(false);
    expect(isPreviewComment(undefined, 'shop')).toBe(false);
  });

  it('needs a pull-request plan', () => {
    const skipped = {
      ...previewDeployed('opened', HEAD),
      plan: { skipped: true as const, code: 'fork' as const, reason: 'fork' },
    };
    expect(() => renderPreviewComment(skipped, 'finished', RUN_URL)).toThrow(/pull-request plan/);
  });
});
