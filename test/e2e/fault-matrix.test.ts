import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, inject, it, type TestContext } from 'vitest';
import { type DeployEnv, startDeployEnv } from '../helpers/deploy-env.js';
import { FAULT_MATRIX } from '../helpers/fault-matrix.js';
import {
  type AmbiguousFault,
  ambiguous,
  codeDeployFaults,
  type FaultScript,
  s3Faults,
} from '../helpers/fault-proxy.js';
import { expectSafeOutcome } from '../helpers/run-checks.js';

/**
 * Every kind of answer that leaves the action not knowing whether a call was carried out (lost,
 * truncated, an empty 200, none at all, dripped a byte at a time), once, at every S3 and CodeDeploy
 * operation the action uses (test/helpers/fault-matrix.ts), through dist/index.js. After each:
 * exactly the expected deployments, each named in the log and the outputs, no multipart upload left,
 * a status that matches what happened, and the run over within its wait plus a bounded margin
 * (expectSafeOutcome). docs/reliability.md lists the matrix.
 */
const moto = inject('motoEndpoint');

async function setup(context: TestContext): Promise<DeployEnv> {
  const env = await startDeployEnv(moto);
  context.onTestFinished(() => env.stop());
  return env;
}

describe.concurrent('ambiguous answers at every operation, once each', () => {
  it.for(FAULT_MATRIX.map(({ scenario, kind }) => [scenario.operation, kind, scenario] as const))(
    '%s: %s',
    async ([operation, kind, scenario], context) => {
      const env = await setup(context);
      const script = faultOnce(scenario.service, operation, kind as AmbiguousFault);
      if (scenario.service === 's3') env.s3Faults.decide = script.decide;
      else env.faults.decide = script.decide;
      const result = await scenario.run(env);
      expect(script.injected(), `the ${kind} fault reached ${operation}`).toBe(1);
      const expected = typeof scenario.expected === 'function' ? scenario.expected(env) : scenario.expected;
      await expectSafeOutcome(env, result, expected);
      if (expected.exit === 'ok') {
        const objects = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket }));
        expect(objects.Contents?.some((object) => object.Key?.endsWith('.zip'))).toBe(true);
      }
    },
  );
});

function faultOnce(service: 's3' | 'codedeploy', operation: string, kind: AmbiguousFault): FaultScript {
  const rule = { operation, fault: ambiguous(kind), times: 1 };
  return service === 's3' ? s3Faults(rule) : codeDeployFaults(rule);
}
