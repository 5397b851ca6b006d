/** The local CodeDeploy: a CodeDeploy-compatible server with its own deployment engine and agents. */
export type { TimelineEntry } from './engine.js';
export { repositoriesIn } from './github.js';
export { INSTANCE_COUNT_TAG, type LocalInstance } from './instances.js';
export { type EmbeddedS3, type EmbeddedS3Options, startEmbeddedS3 } from './s3.js';
export {
  type ApiCall,
  type InstanceLog,
  type LocalCodeDeploy,
  type LocalCodeDeployOptions,
  type LocalS3Options,
  REALISTIC_TIMING,
  startLocalCodeDeploy,
} from './server.js';
