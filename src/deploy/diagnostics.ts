import type { DeploymentTarget } from '@aws-sdk/client-codedeploy';
import { fleetOf } from './blue-green.js';
import type { InstanceFailure } from './results.js';

/**
 * The failed lifecycle event of every failed instance, with the script, error code, message and
 * the tail of its log, so a failure can be understood without the AWS console.
 * Type-only SDK import: this module stays pure.
 */
export function instanceFailures(targets: DeploymentTarget[]): InstanceFailure[] {
  const failures: InstanceFailure[] = [];
  for (const target of targets) {
    const instance = target.instanceTarget;
    if (instance?.status !== 'Failed') continue;
    const events = instance.lifecycleEvents ?? [];
    const failed =
      events.find((event) => event.status === 'Failed') ??
      events.find((e) => e.diagnostics?.errorCode !== 'Success');
    const diagnostics = failed?.diagnostics;
    const fleet = fleetOf(instance.instanceLabel);
    failures.push({
      instanceId: instance.targetId ?? 'unknown instance',
      ...(fleet ? { fleet } : {}),
      event: failed?.lifecycleEventName ?? 'unknown event',
      ...(diagnostics?.scriptName ? { script: diagnostics.scriptName } : {}),
      ...(diagnostics?.errorCode ? { errorCode: diagnostics.errorCode } : {}),
      ...(diagnostics?.message ? { message: diagnostics.message } : {}),
      ...(diagnostics?.logTail ? { logTail: diagnostics.logTail } : {}),
    });
  }
  return failures.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

/** One line for an annotation: "i-0abc: ValidateService failed (ScriptFailed) in scripts/validate.sh: ...". */
export function describeFailure(group: string, failure: InstanceFailure): string {
  const code = failure.errorCode ? ` (${failure.errorCode})` : '';
  const script = failure.script ? ` in ${failure.script}` : '';
  const message = failure.message ? `: ${failure.message}` : '';
  const fleet = failure.fleet ? ` (${failure.fleet} fleet)` : '';
  return `${group} › ${failure.instanceId}${fleet}: ${failure.event} failed${code}${script}${message}`;
}
