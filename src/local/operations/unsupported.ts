import type { PutLifecycleEventHookExecutionStatusInput } from '@aws-sdk/client-codedeploy';
import { ApiError } from '../wire.js';
import type { Handlers, ServiceContext } from './context.js';
import { findDeployment } from './lookups.js';

/**
 * Operations for what the local CodeDeploy does not have, answered with the error the API model
 * declares for that case (never UnknownOperationException: they are CodeDeploy operations):
 * - GitHub connections (DeleteGitHubAccountToken, ListGitHubAccountTokenNames): both declare
 *   OperationNotSupportedException, "the API used does not support the deployment";
 * - Lambda and ECS lifecycle hooks (PutLifecycleEventHookExecutionStatus): every local deployment
 *   is an EC2/on-premises one, for which the operation declares
 *   UnsupportedActionForDeploymentTypeException;
 * - resources CloudFormation links to an external id (DeleteResourcesByExternalId, which declares
 *   no error): there are none locally, so there is nothing to delete.
 */
export function unsupportedOperations(ctx: ServiceContext): Handlers {
  const noGitHub = async () => {
    throw new ApiError(
      'OperationNotSupportedException',
      'The local CodeDeploy has no GitHub connections: it takes GitHub revisions from local git repositories (emulator --github-repos DIR)',
    );
  };
  return {
    DeleteGitHubAccountToken: noGitHub,
    ListGitHubAccountTokenNames: noGitHub,

    async PutLifecycleEventHookExecutionStatus(input: PutLifecycleEventHookExecutionStatusInput) {
      const record = findDeployment(ctx.store.state, input.deploymentId ?? '');
      throw new ApiError(
        'UnsupportedActionForDeploymentTypeException',
        `${record.deploymentId} is an EC2/on-premises deployment: its hooks are scripts the agent runs, ` +
          'not Lambda functions that report their status (PutLifecycleEventHookExecutionStatus is for Lambda and ECS)',
      );
    },

    async DeleteResourcesByExternalId() {
      return {};
    },
  };
}
