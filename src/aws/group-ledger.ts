import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { problem, problemsOf, UserError } from '../core/problems.js';
import type { GroupLedger } from '../deploy/ports.js';
import { describeS3Error } from './s3-errors.js';
import { getRecord, putRecord, recordKey, type StateLocation } from './state-records.js';

/**
 * Which deployment groups codedeploy-gitops created, as records holding the group's id
 * (`.../.codedeploy-gitops/groups/{group}.json`, see state-records.ts). A teardown deletes a group
 * only when the record exists and names the same group id, so a group someone else created (or
 * re-created under the same name) is never deleted. CodeDeploy tags would need the account id to
 * build an ARN and more permissions.
 */
export class S3GroupLedger implements GroupLedger {
  constructor(private readonly where: StateLocation) {}

  private key(group: string): string {
    return recordKey(this.where, 'groups', group);
  }

  async recordCreated(group: string, groupId: string, ref: string): Promise<void> {
    try {
      await putRecord(this.where, this.key(group), {
        group,
        groupId,
        ref,
        createdAt: new Date().toISOString(),
      });
    } catch (error) {
      // The group exists now: say so, or nobody learns that a teardown will keep it.
      throw new UserError([
        ...problemsOf(error),
        problem(
          `deployment group "${group}" was created, but could not be recorded as created by codedeploy-gitops, so a teardown will keep it`,
          undefined,
          `delete it by hand when it is no longer needed: aws deploy delete-deployment-group --application-name ${this.where.application} --deployment-group-name ${group}`,
        ),
      ]);
    }
  }

  async record(group: string, groupId: string | undefined): Promise<{ ref?: string } | undefined> {
    const record = (await getRecord(this.where, this.key(group))) as
      | { groupId?: unknown; ref?: unknown }
      | undefined;
    if (groupId === undefined || record?.groupId !== groupId) return undefined;
    return typeof record.ref === 'string' ? { ref: record.ref } : {};
  }

  async forget(group: string): Promise<void> {
    try {
      await this.where.s3.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.key(group) }));
    } catch (error) {
      throw describeS3Error(error, {
        operation: 'DeleteObject',
        bucket: this.where.bucket,
        key: this.key(group),
      });
    }
  }
}
