import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { problem, UserError } from '../core/problems.js';
import { isDefiniteRejection } from './aws-errors.js';
import { describeS3Error, isNotFound } from './s3-errors.js';

/**
 * The small JSON records codedeploy-gitops keeps beside the revisions, under
 * `{prefix}{application}/.codedeploy-gitops/{kind}/`: inside the application's prefix, which the
 * documented IAM policy already covers, in the bucket the action must be able to write anyway.
 * `groups`: the deployment groups it created; `commits`: which revision each deployed commit built.
 */
export interface StateLocation {
  s3: S3Client;
  bucket: string;
  prefix: string;
  application: string;
}

type Kind = 'groups' | 'commits';

export function stateDirectory(where: StateLocation, kind: Kind): string {
  return `${where.prefix}${where.application}/.codedeploy-gitops/${kind}/`;
}

/** The key of one record: `{directory}{name}.json`. */
export function recordKey(where: StateLocation, kind: Kind, name: string): string {
  return `${stateDirectory(where, kind)}${name}.json`;
}

/** The name a record key was made from (recordKey's inverse). */
export function recordName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1, -'.json'.length);
}

// A record is written whole or not at all: putting it again after an answer that may hide a success
// changes nothing, and a read that does not parse is read once more before it counts as not ours.
const TRIES = 2;

export async function putRecord(where: StateLocation, key: string, record: object): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await where.s3.send(
        new PutObjectCommand({
          Bucket: where.bucket,
          Key: key,
          Body: JSON.stringify(record),
          ContentType: 'application/json',
        }),
      );
      return;
    } catch (error) {
      if (attempt < TRIES && !isDefiniteRejection(error)) continue;
      throw describeS3Error(error, { operation: 'PutObject', bucket: where.bucket, key });
    }
  }
}

/** The record as parsed JSON; undefined when there is none. */
export async function getRecord(where: StateLocation, key: string): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    let text: string;
    try {
      const response = await where.s3.send(new GetObjectCommand({ Bucket: where.bucket, Key: key }));
      text = (await response.Body?.transformToString()) ?? '';
    } catch (error) {
      if (isNotFound(error)) return undefined;
      if (attempt < TRIES && !isDefiniteRejection(error)) continue;
      throw describeS3Error(error, { operation: 'GetObject', bucket: where.bucket, key });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      if (attempt >= TRIES) throw notOurs(where, key);
    }
  }
}

/** A record that is not what codedeploy-gitops wrote: someone else's object under our prefix. */
export function notOurs(where: StateLocation, key: string): UserError {
  return new UserError(
    problem(
      `s3://${where.bucket}/${key} is not a record codedeploy-gitops wrote`,
      undefined,
      'delete it: codedeploy-gitops then takes it as never written',
    ),
  );
}
