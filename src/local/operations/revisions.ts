import type {
  BatchGetApplicationRevisionsInput,
  GetApplicationRevisionInput,
  ListApplicationRevisionsInput,
  RegisterApplicationRevisionInput,
  RevisionLocation as RevisionInput,
} from '@aws-sdk/client-codedeploy';
import { revisionName, sameRevision } from '../deployments.js';
import type { RevisionLocation } from '../records.js';
import { revisionInfo } from '../shapes.js';
import { ApiError } from '../wire.js';
import { type Handlers, listPage, type ServiceContext, save } from './context.js';
import { findApplication } from './lookups.js';

/** GitHub's account and repository names (neither "." nor ".."), and a commit's SHA-1, whole or abbreviated. */
const GITHUB_REPOSITORY = /^(?!\.\.?\/)[A-Za-z0-9_.-]+\/(?!\.\.?$)[A-Za-z0-9_.-]+$/;
const COMMIT = /^[0-9a-fA-F]{7,40}$/;

/**
 * A revision the local CodeDeploy can deploy: an S3 bundle (zip, tar or tgz, as EC2/on-premises
 * deployments take), with its bucket and key, or a GitHub commit (`account/repository` and the
 * commit), which the agents take from the local git repository that stands for it.
 */
export function deployableRevision(revision: RevisionInput): RevisionLocation {
  const type = revision.revisionType;
  if (type === 'GitHub') {
    const { repository, commitId } = revision.gitHubLocation ?? {};
    if (!repository || !GITHUB_REPOSITORY.test(repository) || !commitId || !COMMIT.test(commitId)) {
      throw new ApiError(
        'InvalidRevisionException',
        "A GitHub revision needs gitHubLocation with a repository (account/repository) and a commitId (the commit's SHA-1)",
      );
    }
    return { revisionType: 'GitHub', gitHubLocation: { repository, commitId } };
  }
  if (type !== 'S3') {
    throw new ApiError(
      'InvalidRevisionException',
      type === undefined
        ? 'The revision needs a revisionType (S3 with an s3Location, or GitHub with a gitHubLocation)'
        : `The local CodeDeploy deploys S3 and GitHub revisions (revisionType ${type} is not supported)`,
    );
  }
  const { bucket, key, bundleType, version, eTag } = revision.s3Location ?? {};
  if (!bucket || !key) {
    throw new ApiError('InvalidRevisionException', 'An S3 revision needs s3Location with a bucket and a key');
  }
  if (bundleType !== 'zip' && bundleType !== 'tar' && bundleType !== 'tgz') {
    throw new ApiError(
      'InvalidRevisionException',
      `The revision's bundleType must be zip, tar or tgz for EC2/on-premises deployments (got ${bundleType ?? 'none'})`,
    );
  }
  return {
    revisionType: 'S3',
    s3Location: { bucket, key, bundleType, ...(version ? { version } : {}), ...(eTag ? { eTag } : {}) },
  };
}

export function revisionOperations(ctx: ServiceContext): Handlers {
  const { store, now } = ctx;
  const state = store.state;

  return {
    async RegisterApplicationRevision(input: RegisterApplicationRevisionInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const revision = deployableRevision(input.revision ?? {});
      const description = input.description;
      const existing = app.revisions.find((r) => sameRevision(r.revision, revision));
      if (existing) {
        if (description !== undefined) existing.description = description;
      } else {
        app.revisions.push({
          revision,
          ...(description !== undefined ? { description } : {}),
          registerTime: now(),
          deploymentGroups: [],
        });
      }
      await save(store, 'applications');
      return {};
    },

    async GetApplicationRevision(input: GetApplicationRevisionInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const revision = deployableRevision(input.revision ?? {});
      const entry = app.revisions.find((r) => sameRevision(r.revision, revision));
      if (!entry) {
        throw new ApiError(
          'RevisionDoesNotExistException',
          `The revision is not registered with application ${app.applicationName}`,
        );
      }
      return {
        applicationName: app.applicationName,
        revision: entry.revision,
        revisionInfo: revisionInfo(entry),
      };
    },

    async BatchGetApplicationRevisions(input: BatchGetApplicationRevisionsInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const revisions = (input.revisions ?? []).map(deployableRevision);
      const entries = revisions.map((revision) =>
        app.revisions.find((r) => sameRevision(r.revision, revision)),
      );
      const missing = revisions.filter((_, index) => !entries[index]);
      return {
        applicationName: app.applicationName,
        errorMessage:
          missing.length > 0
            ? `Revisions not registered with ${app.applicationName}: ${missing.map(revisionName).join(', ')}`
            : '',
        revisions: entries.flatMap((entry) =>
          entry ? [{ revisionLocation: entry.revision, genericRevisionInfo: revisionInfo(entry) }] : [],
        ),
      };
    },

    async ListApplicationRevisions(input: ListApplicationRevisionsInput) {
      const app = findApplication(state, input.applicationName ?? '');
      const { s3Bucket: bucket, s3KeyPrefix: prefix } = input;
      if (prefix !== undefined && bucket === undefined) {
        throw new ApiError(
          'BucketNameFilterRequiredException',
          's3KeyPrefix needs s3Bucket: name the bucket too',
        );
      }
      const deployed = input.deployed ?? 'ignore';
      const field = input.sortBy ?? 'registerTime';
      const direction = input.sortOrder === 'descending' ? -1 : 1;
      const entries = app.revisions
        .filter((r) => {
          const s3 = r.revision.s3Location ?? {};
          const wasDeployed = r.deploymentGroups.length > 0;
          return (
            (bucket === undefined || s3.bucket === bucket) &&
            (prefix === undefined || (s3.key ?? '').startsWith(prefix)) &&
            (deployed === 'ignore' || (deployed === 'include') === wasDeployed)
          );
        })
        .map((r, index) => ({ r, index }))
        .sort((a, b) => direction * ((a.r[field] ?? 0) - (b.r[field] ?? 0)) || a.index - b.index);
      const scope = JSON.stringify([
        'revisions',
        app.applicationName,
        field,
        direction,
        bucket,
        prefix,
        deployed,
      ]);
      return listPage(
        ctx,
        input.nextToken,
        'revisions',
        entries,
        (e) => String(e.index),
        scope,
        (e) => e.r.revision,
      );
    },
  };
}
