import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/types.js';
import { problem, UserError } from '../core/problems.js';
import type { GroupLedger } from '../deploy/execute.js';
import { describeS3Error, isNotFound } from './s3-errors.js';

/**
 * Which deployment groups codedeploy-gitops created, kept as small objects beside the revisions:
 * `{prefix}{application}/.codedeploy-gitops/groups/{group}.json` holding the group's id (inside the
 * application's prefix, which the documented IAM policy already covers). A teardown
 * deletes a group only when the marker exists and names the same group id, so a group someone else
 * created (or re-created under the same name) is never deleted. The bucket already needs our write
 * access; CodeDeploy tags would need the account id to build an ARN and more permissions.
 */
export class S3GroupLedger implements GroupLedger {
  constructor(
    private readonly s3: S3Client,
    private readonly config: Pick<Config, 'application' | 'revision'>,
  ) {}

  private key(group: string): string {
    return `${this.config.revision.prefix}${this.config.application}/.codedeploy-gitops/groups/${group}.json`;
  }

  private get bucket(): string {
    return this.config.revision.bucket;
  }

  async recordCreated(group: string, groupId: string): Promise<void> {
    const body = JSON.stringify({ group, groupId, createdAt: new Date().toISOString() });
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(group),
          Body: body,
          ContentType: 'application/json',
        }),
      );
    } catch (error) {
      const explained = describeS3Error(error, {
        operation: 'PutObject',
        bucket: this.bucket,
        key: this.key(group),
      });
      // The group exists now: say so, or nobody learns that a teardown will keep it.
      throw new UserError([
        ...explained.problems,
        problem(
          `deployment group "${group}" was created, but could not be recorded as created by codedeploy-gitops, so a teardown will keep it`,
          undefined,
          `delete it by hand when it is no longer needed: aws deploy delete-deployment-group --application-name ${this.config.application} --deployment-group-name ${group}`,
        ),
      ]);
    }
  }

  async createdByUs(group: string, groupId: string | undefined): Promise<boolean> {
    try {
      const response = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(group) }),
      );
      const marker = JSON.parse((await response.Body?.transformToString()) ?? '{}') as { groupId?: string };
      return groupId !== undefined && marker.groupId === groupId;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw describeS3Error(error, { operation: 'GetObject', bucket: this.bucket, key: this.key(group) });
    }
  }

  async forget(group: string): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(group) }));
    } catch (error) {
      throw describeS3Error(error, { operation: 'DeleteObject', bucket: this.bucket, key: this.key(group) });
    }
  }
}
