/**
 * The IAM actions each AWS call of the action needs: the one table behind the policy of
 * examples/aws-setup.cfn.yml, the list in docs/setup-aws.md (test/unit/iam-policy.test.ts derives both
 * from the commands src/ sends) and the permissions named in AccessDenied messages.
 */

export type AwsService = 's3' | 'codedeploy';

/**
 * S3 operations do not map one to one: a multipart upload is s3:PutObject, and without s3:ListBucket
 * S3 answers 403 instead of 404 for a key that does not exist, so reading an object that may be
 * missing needs both. A redeploy by commit reads the object version it recorded (versioned buckets),
 * which is s3:GetObjectVersion.
 */
const S3: Record<string, readonly string[]> = {
  HeadObject: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
  GetObject: ['s3:GetObject', 's3:ListBucket'],
  PutObject: ['s3:PutObject'],
  CreateMultipartUpload: ['s3:PutObject'],
  UploadPart: ['s3:PutObject'],
  CompleteMultipartUpload: ['s3:PutObject'],
  AbortMultipartUpload: ['s3:AbortMultipartUpload'],
  ListMultipartUploads: ['s3:ListBucketMultipartUploads'],
  ListObjectsV2: ['s3:ListBucket'],
  HeadBucket: ['s3:ListBucket'],
  DeleteObject: ['s3:DeleteObject'],
  CopyObject: ['s3:GetObject', 's3:PutObject'],
  GetObjectTagging: ['s3:GetObjectTagging'],
  PutObjectTagging: ['s3:PutObjectTagging'],
};

/**
 * CodeDeploy's IAM actions are named after its operations; some operations are also authorised
 * against other resources. CreateDeployment checks the deployment config (GetDeploymentConfig) and
 * registers the revision with the application (GetApplicationRevision, RegisterApplicationRevision),
 * as AWS's own CodePipeline and CI guides grant it. CreateDeploymentGroup hands the group its service
 * role (iam:PassRole).
 */
const CODEDEPLOY_EXTRA: Record<string, readonly string[]> = {
  CreateDeployment: [
    'codedeploy:GetDeploymentConfig',
    'codedeploy:GetApplicationRevision',
    'codedeploy:RegisterApplicationRevision',
  ],
  CreateDeploymentGroup: ['iam:PassRole'],
};

/** lib-storage's Upload: PutObject, or a multipart upload it aborts when a part fails. */
export const UPLOAD_ACTIONS: readonly string[] = ['s3:PutObject', 's3:AbortMultipartUpload'];

/** The IAM actions of one SDK operation (`HeadObject`, `CreateDeployment`); undefined for an S3 operation not in the table. */
export function iamActionsFor(service: AwsService, operation: string): readonly string[] | undefined {
  if (service === 'codedeploy') return [`codedeploy:${operation}`, ...(CODEDEPLOY_EXTRA[operation] ?? [])];
  return S3[operation];
}
