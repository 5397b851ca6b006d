import type { GroupOutcome, RunStatus } from '../deploy/results.js';

/** One emoji per state, the same in the job summary and the pull-request comment, so people can scan. */
export const OUTCOME_LABEL: Record<GroupOutcome, string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  stopped: '⏹️ stopped',
  created: '🚀 created',
  'not-started': '⏸️ not started',
  cancelled: '🚫 cancelled',
  'in-progress': '⏳ in progress',
  superseded: '⏭️ superseded',
  'torn-down': '🧹 torn down',
  'left-alone': '🔒 left alone',
};

export const RUN_STATUS_LABEL: Record<RunStatus, string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  stopped: '⏹️ stopped',
  cancelled: '🚫 cancelled',
  skipped: '⏭️ skipped',
  superseded: '⏭️ superseded',
  created: '🚀 created',
  planned: '📝 planned (dry run)',
};
