import {
  BatchGetDeploymentsCommand,
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  DeleteDeploymentGroupCommand,
  type DeploymentGroupInfo,
  type DeploymentInfo,
  type DeploymentStatus,
  type DeploymentTarget,
  GetApplicationCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
// Types only (erased from the bundle): the SDK's own middleware contract.
import type { DeserializeMiddleware, FinalizeRequestMiddleware } from '@smithy/types';
import type { CodeDeployApi, DeploymentInput, GroupInput } from '../deploy/ports.js';
import { LOCAL_CONSOLE_HEADER, localConsoleBase } from '../report/links.js';
import {
  awsErrorName,
  explainAwsError,
  isDefiniteRejection,
  isMalformedAnswer,
  MalformedAnswer,
} from './aws-errors.js';
import { type AwsConnection, clientSettings, MAX_ATTEMPTS } from './client-settings.js';
import { iamActionsFor } from './iam-actions.js';
import type { RateLimiter } from './rate-limit.js';

const BATCH = 25;

/**
 * CodeDeploy requests a run may start per second, all its clients together: evenly spaced, under
 * the budget of 10 a second that docs/reliability.md documents.
 */
export const CODEDEPLOY_REQUESTS_PER_SECOND = 8;

export function createCodeDeployClient(
  connection: AwsConnection,
  options: { maxAttempts?: number; limiter?: RateLimiter; cancel?: AbortSignal } = {},
): CodeDeployClient {
  const client = new CodeDeployClient({
    ...clientSettings(connection, connection.endpoints?.codedeploy, options.cancel),
    maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
  });
  const { limiter } = options;
  if (limiter) {
    // Inside the retry middleware, so every attempt (retries included) waits for its turn, and
    // before signing, so the request is dated when it leaves.
    const pace: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
      await limiter.acquire();
      return next(args);
    };
    client.middlewareStack.addRelativeTo(pace, {
      relation: 'before',
      toMiddleware: 'httpSigningMiddleware',
      name: 'codedeployGitopsRateLimit',
    });
  }
  return client;
}

/**
 * Tells `onBase` the web console a local CodeDeploy names in every answer (LOCAL_CONSOLE_HEADER), so
 * deployments link there rather than to AWS's console.
 */
export function readLocalConsole(client: CodeDeployClient, onBase: (base: string) => void): void {
  const read: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    const result = await next(args);
    const headers = (result.response as { headers?: Record<string, string | undefined> }).headers;
    const base = localConsoleBase(headers?.[LOCAL_CONSOLE_HEADER]);
    if (base) onBase(base);
    return result;
  };
  client.middlewareStack.add(read, { step: 'deserialize', name: 'codedeployGitopsLocalConsole' });
}

/**
 * How a call is tried again on what the SDK does not retry itself: reads and calls whose repeat
 * changes nothing more (stop, continue, delete) after any answer that is not a definite rejection;
 * CreateDeployment, CreateDeploymentGroup and CreateApplication never (the caller finds out first).
 */
type Repeat = 'read' | 'idempotent' | 'once';

const TRIES = 3;

/**
 * The CodeDeploy calls the action makes, for one application. Thin on purpose: decisions live in
 * src/deploy; this only speaks the API, refuses answers that cannot be what they claim (a success
 * without the member the operation always returns) and turns permission problems into actionable errors.
 */
export class CodeDeployGateway implements CodeDeployApi {
  constructor(
    readonly client: CodeDeployClient,
    readonly application: string,
    /**
     * Sends the creating calls (CreateDeployment, CreateDeploymentGroup, CreateApplication) once.
     * CreateDeployment has no idempotency token: after a reset or a 5xx the deployment may exist, and
     * a blind retry (what the SDK does) would create a second one; a retried group or application
     * creation would answer "already exists" for what the first try made. The caller finds out first.
     */
    readonly createClient: CodeDeployClient = client,
  ) {}

  private async call<T>(
    operation: string,
    resource: string,
    repeat: Repeat,
    send: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const again =
          attempt < TRIES &&
          ((repeat === 'read' && isMalformedAnswer(error)) ||
            (repeat === 'idempotent' && !isDefiniteRejection(error) && !isAborted(error)));
        if (!again) throw explainAwsError(error, iamActionsFor('codedeploy', operation)!, resource);
      }
    }
  }

  private get appResource(): string {
    return `application "${this.application}"`;
  }

  private groupResource(group: string): string {
    return `deployment group "${this.application}/${group}"`;
  }

  async applicationExists(): Promise<boolean> {
    try {
      await this.call('GetApplication', this.appResource, 'once', () =>
        this.client.send(new GetApplicationCommand({ applicationName: this.application })),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ApplicationDoesNotExistException') return false;
      // The question is only whether the call succeeded: a 200 whose body the SDK cannot parse (moto
      // sends createTime as an ISO string) still means the application exists.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 200)
        return true;
      throw error;
    }
  }

  /** Whatever its answer, the application exists afterwards or the error says why not. */
  async createApplication(): Promise<void> {
    try {
      await this.call('CreateApplication', this.appResource, 'once', () =>
        this.createClient.send(
          new CreateApplicationCommand({ applicationName: this.application, computePlatform: 'Server' }),
        ),
      );
    } catch (error) {
      if (isDefiniteRejection(error) || !(await this.applicationExists())) throw error;
    }
  }

  async getGroup(group: string): Promise<DeploymentGroupInfo | undefined> {
    try {
      const response = await this.call('GetDeploymentGroup', this.groupResource(group), 'read', async () =>
        required(
          await this.client.send(
            new GetDeploymentGroupCommand({ applicationName: this.application, deploymentGroupName: group }),
          ),
          'deploymentGroupInfo',
          'GetDeploymentGroup',
        ),
      );
      return response.deploymentGroupInfo;
    } catch (error) {
      if (awsErrorName(error) === 'DeploymentGroupDoesNotExistException') return undefined;
      throw error;
    }
  }

  async createGroup(input: GroupInput): Promise<string> {
    const response = await this.call(
      'CreateDeploymentGroup',
      this.groupResource(input.deploymentGroupName ?? ''),
      'once',
      async () =>
        required(
          await this.createClient.send(
            new CreateDeploymentGroupCommand({ ...input, applicationName: this.application }),
          ),
          'deploymentGroupId',
          'CreateDeploymentGroup',
        ),
    );
    return response.deploymentGroupId;
  }

  /** A group already gone is what was asked for. */
  async deleteGroup(group: string): Promise<void> {
    try {
      await this.call('DeleteDeploymentGroup', this.groupResource(group), 'idempotent', () =>
        this.client.send(
          new DeleteDeploymentGroupCommand({ applicationName: this.application, deploymentGroupName: group }),
        ),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'DeploymentGroupDoesNotExistException') throw error;
    }
  }

  /** Deployment ids of the group in the given statuses (all when omitted), newest first; `limit` stops paging early. */
  async listDeployments(
    group: string,
    statuses?: DeploymentStatus[],
    limit = Number.POSITIVE_INFINITY,
  ): Promise<string[]> {
    const ids = await allPages(async (nextToken) => {
      const response = await this.call('ListDeployments', this.groupResource(group), 'read', async () =>
        required(
          await this.client.send(
            new ListDeploymentsCommand({
              applicationName: this.application,
              deploymentGroupName: group,
              ...(statuses ? { includeOnlyStatuses: statuses } : {}),
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
          'deployments',
          'ListDeployments',
        ),
      );
      return { items: response.deployments, nextToken: response.nextToken };
    }, limit);
    return ids.slice(0, limit);
  }

  async createDeployment(input: DeploymentInput): Promise<string> {
    const response = await this.call(
      'CreateDeployment',
      this.groupResource(input.deploymentGroupName ?? ''),
      'once',
      async () =>
        required(
          await this.createClient.send(
            new CreateDeploymentCommand({ ...input, applicationName: this.application }),
          ),
          'deploymentId',
          'CreateDeployment',
        ),
    );
    return response.deploymentId;
  }

  async getDeployment(id: string): Promise<DeploymentInfo> {
    const response = await this.call('GetDeployment', `deployment ${id}`, 'read', async () =>
      required(
        await this.client.send(new GetDeploymentCommand({ deploymentId: id })),
        'deploymentInfo',
        'GetDeployment',
      ),
    );
    return response.deploymentInfo;
  }

  /** `signal` gives up on a call in flight (the wait's deadline, a cancel). */
  async batchGetDeployments(ids: string[], signal?: AbortSignal): Promise<DeploymentInfo[]> {
    return inBatches(ids, async (chunk) => {
      const response = await this.call(
        'BatchGetDeployments',
        `deployments ${chunk.join(', ')}`,
        'read',
        async () =>
          required(
            await this.client.send(
              new BatchGetDeploymentsCommand({ deploymentIds: chunk }),
              signal ? { abortSignal: signal } : {},
            ),
            'deploymentsInfo',
            'BatchGetDeployments',
          ),
      );
      return response.deploymentsInfo;
    });
  }

  /** Stops a deployment; one that has already ended is left as it is, since there is nothing to stop. */
  async stopDeployment(id: string, autoRollbackEnabled: boolean): Promise<void> {
    try {
      await this.call('StopDeployment', `deployment ${id}`, 'idempotent', () =>
        this.client.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled })),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'DeploymentAlreadyCompletedException') throw error;
    }
  }

  async continueDeployment(id: string): Promise<void> {
    await this.call('ContinueDeployment', `deployment ${id}`, 'idempotent', () =>
      this.client.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' })),
    );
  }

  /** Every target of a deployment with its lifecycle events (the JS SDK has no paginator for this). */
  async deploymentTargets(id: string, signal?: AbortSignal): Promise<DeploymentTarget[]> {
    const options = signal ? { abortSignal: signal } : {};
    const targetIds = await allPages(async (nextToken) => {
      const response = await this.call('ListDeploymentTargets', `deployment ${id}`, 'read', async () =>
        required(
          await this.client.send(
            new ListDeploymentTargetsCommand({ deploymentId: id, ...(nextToken ? { nextToken } : {}) }),
            options,
          ),
          'targetIds',
          'ListDeploymentTargets',
        ),
      );
      return { items: response.targetIds, nextToken: response.nextToken };
    });
    return inBatches(targetIds, async (chunk) => {
      const response = await this.call('BatchGetDeploymentTargets', `deployment ${id}`, 'read', async () =>
        required(
          await this.client.send(
            new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: chunk }),
            options,
          ),
          'deploymentTargets',
          'BatchGetDeploymentTargets',
        ),
      );
      return response.deploymentTargets;
    });
  }
}

/** The answer, refused as malformed when it lacks the member the operation always returns. */
function required<T, K extends keyof T>(answer: T, member: K, operation: string): T & Required<Pick<T, K>> {
  if (answer[member] === undefined || answer[member] === null) {
    throw new MalformedAnswer(`${operation} answered without "${String(member)}"`);
  }
  return answer as T & Required<Pick<T, K>>;
}

function isAborted(error: unknown): boolean {
  return awsErrorName(error) === 'AbortError';
}

/** The items of a nextToken listing, page after page, until the last page or `limit` items. */
async function allPages<T>(
  page: (nextToken: string | undefined) => Promise<{ items?: T[]; nextToken?: string }>,
  limit = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await page(nextToken);
    items.push(...(answer.items ?? []));
    nextToken = answer.nextToken;
  } while (nextToken && items.length < limit);
  return items;
}

/** One call per BATCH ids (CodeDeploy's limit for its BatchGet operations), in order. */
async function inBatches<T>(ids: string[], get: (chunk: string[]) => Promise<T[] | undefined>): Promise<T[]> {
  const items: T[] = [];
  for (let i = 0; i < ids.length; i += BATCH) items.push(...((await get(ids.slice(i, i + BATCH))) ?? []));
  return items;
}
