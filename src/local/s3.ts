import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { problem, UserError } from '../core/problems.js';
import { AwsChunkedDecoder, AwsChunkedError, isAwsChunked } from './aws-chunked.js';

/**
 * An S3-compatible server in the process, for running without AWS or moto: @20minutes/s3rver (the
 * maintained fork of s3rver: same code base, current dependencies, Node ≥ 20) stores objects under
 * `<dataDir>/s3/`. In front of it a small proxy decodes `aws-chunked` bodies (what the AWS SDK
 * sends for streamed uploads, CRC32 trailer included), which s3rver would otherwise store verbatim
 * inside the object. Decoded bodies are spooled to a file and their CRC32 checked before s3rver
 * sees them, so a corrupt upload is refused (BadDigest) instead of stored.
 */
export interface EmbeddedS3Options {
  dataDir: string;
  /** 0 or omitted: a free port. */
  port?: number;
  host?: string;
  /** Buckets to create at start (kept if they exist). */
  buckets?: string[];
}

export interface EmbeddedS3 {
  /** http://HOST:PORT — use with forcePathStyle (AWS_ENDPOINT_URL_S3 works with the SDK). */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * s3rver is not bundled into dist/ (see scripts/build.mjs): it loads from node_modules, which an npm
 * install or a clone after `npm ci` has. Say so plainly when it is missing.
 */
async function loadS3rver() {
  try {
    return (await import('@20minutes/s3rver')).default;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new UserError(
      problem(
        'the embedded S3 needs the package @20minutes/s3rver, which is not installed here',
        undefined,
        'run `npm ci` in the codedeploy-gitops folder (or install the package with npm), or pass --s3-endpoint URL',
      ),
    );
  }
}

export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const dataDir = resolve(options.dataDir);
  const directory = join(dataDir, 's3');
  const spoolDir = join(dataDir, 's3-spool');
  await mkdir(directory, { recursive: true });
  await rm(spoolDir, { recursive: true, force: true });
  await mkdir(spoolDir, { recursive: true });
  const S3rver = await loadS3rver();
  const backend = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    // Any credentials are accepted, as by the local CodeDeploy.
    allowMismatchedSignatures: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const { port: backendPort } = await backend.run();

  const forward = (
    request: IncomingMessage,
    response: ServerResponse,
    headers: IncomingHttpHeaders,
    body: Readable,
  ) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: backendPort, method: request.method, path: request.url, headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) =>
      fail(response, 502, 'InternalError', `The embedded S3 backend failed: ${error.message}`),
    );
    body.pipe(upstream);
  };

  const server = createServer((request, response) => {
    acceptAnyCredentials(request);
    const multipart = multipartRequest(request);
    if (multipart) {
      answerMultipart(directory, multipart, response).catch((error: unknown) =>
        fail(response, 500, 'InternalError', (error as Error).message),
      );
      return;
    }
    if (!isAwsChunked(request.headers)) {
      forward(request, response, request.headers, request);
      return;
    }
    const spool = join(spoolDir, randomUUID());
    const decoder = new AwsChunkedDecoder();
    pipeline(request, decoder, createWriteStream(spool))
      .then(() => {
        const body = createReadStream(spool);
        body.on('close', () => void rm(spool, { force: true }));
        forward(request, response, decodedHeaders(request.headers, decoder.length), body);
      })
      .catch((error: unknown) => {
        void rm(spool, { force: true });
        if (error instanceof AwsChunkedError) fail(response, 400, error.code, error.message);
        else fail(response, 500, 'InternalError', (error as Error).message);
      });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    stop: () => {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        server.closeAllConnections();
        await closed;
        await backend.close();
      })();
      return stopped;
    },
  };
}

/**
 * ListMultipartUploads and AbortMultipartUpload, which s3rver does not implement (NotImplemented,
 * 405) but the action uses to clear what an upload left behind. s3rver keeps each open upload in a
 * folder of the bucket (`._S3rver_uploads/<upload id>/`, holding `key` and the parts) and removes it
 * when the upload completes: these two read and remove those folders.
 */
type MultipartRequest =
  | { kind: 'list'; bucket: string; prefix: string }
  | { kind: 'abort'; bucket: string; key: string; uploadId: string };

function multipartRequest(request: IncomingMessage): MultipartRequest | undefined {
  const url = new URL(request.url ?? '/', 'http://local');
  // Path style: /bucket, /bucket/ (the SDK's, for bucket operations) or /bucket/key.
  const [bucket, ...rest] = url.pathname.slice(1).split('/').map(decodeURIComponent);
  const key = rest.join('/');
  if (!bucket) return undefined;
  if (request.method === 'GET' && key === '' && url.searchParams.has('uploads'))
    return { kind: 'list', bucket, prefix: url.searchParams.get('prefix') ?? '' };
  const uploadId = url.searchParams.get('uploadId');
  if (request.method === 'DELETE' && key !== '' && uploadId !== null)
    return { kind: 'abort', bucket, key, uploadId };
  return undefined;
}

async function answerMultipart(
  directory: string,
  multipart: MultipartRequest,
  response: ServerResponse,
): Promise<void> {
  const bucketDir = join(directory, multipart.bucket);
  if (!(await stat(bucketDir).catch(() => undefined))?.isDirectory())
    return fail(response, 404, 'NoSuchBucket', 'The specified bucket does not exist');
  const uploadsDir = join(bucketDir, '._S3rver_uploads');
  const keyOf = (uploadId: string) =>
    readFile(join(uploadsDir, uploadId, 'key'), 'utf8').catch(() => undefined);
  if (multipart.kind === 'abort') {
    // An upload id is hex (s3rver's): anything else names no upload, and never a path.
    const known =
      /^[0-9a-f]+$/.test(multipart.uploadId) && (await keyOf(multipart.uploadId)) === multipart.key;
    if (!known) {
      return fail(response, 404, 'NoSuchUpload', 'The specified multipart upload does not exist');
    }
    await rm(join(uploadsDir, multipart.uploadId), { recursive: true, force: true });
    response.writeHead(204).end();
    return;
  }
  const uploads: Array<{ key: string; uploadId: string; initiated: Date }> = [];
  for (const uploadId of await readdir(uploadsDir).catch(() => [] as string[])) {
    const key = await keyOf(uploadId);
    if (key === undefined || !key.startsWith(multipart.prefix)) continue;
    const { birthtime, mtime } = await stat(join(uploadsDir, uploadId));
    uploads.push({ key, uploadId, initiated: birthtime.getTime() > 0 ? birthtime : mtime });
  }
  uploads.sort((a, b) =>
    a.key === b.key ? a.initiated.getTime() - b.initiated.getTime() : a.key < b.key ? -1 : 1,
  );
  const body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Bucket>${escapeXml(multipart.bucket)}</Bucket><Prefix>${escapeXml(multipart.prefix)}</Prefix>`,
    '<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>',
    ...uploads.map(
      (upload) =>
        `<Upload><Key>${escapeXml(upload.key)}</Key><UploadId>${upload.uploadId}</UploadId>` +
        `<Initiated>${upload.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
    ),
    '</ListMultipartUploadsResult>',
  ].join('');
  response.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/**
 * s3rver knows one access key (S3RVER) and, with allowMismatchedSignatures, ignores signatures:
 * presenting every request under that key makes any credentials work, as with the local CodeDeploy.
 */
const BACKEND_KEY = 'S3RVER';

function acceptAnyCredentials(request: IncomingMessage): void {
  const authorization = request.headers.authorization;
  if (authorization) {
    request.headers.authorization = authorization
      .replace(/Credential=[^/,\s]+/, `Credential=${BACKEND_KEY}`)
      .replace(/^AWS [^:]+:/, `AWS ${BACKEND_KEY}:`);
  }
  if (request.url?.includes('X-Amz-Credential=') || request.url?.includes('AWSAccessKeyId=')) {
    const url = new URL(request.url, 'http://local');
    const credential = url.searchParams.get('X-Amz-Credential');
    if (credential) url.searchParams.set('X-Amz-Credential', credential.replace(/^[^/]+/, BACKEND_KEY));
    if (url.searchParams.has('AWSAccessKeyId')) url.searchParams.set('AWSAccessKeyId', BACKEND_KEY);
    request.url = `${url.pathname}${url.search}`;
  }
}

/** The request as it would have been sent without aws-chunked: plain body, its real length. */
function decodedHeaders(headers: IncomingHttpHeaders, length: number): IncomingHttpHeaders {
  const {
    'x-amz-decoded-content-length': _decoded,
    'x-amz-trailer': _trailer,
    'transfer-encoding': _transfer,
    'content-encoding': encoding,
    ...rest
  } = headers;
  const remaining = (encoding ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'aws-chunked');
  return {
    ...rest,
    ...(remaining.length > 0 ? { 'content-encoding': remaining.join(', ') } : {}),
    'content-length': String(length),
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  };
}

function fail(response: ServerResponse, status: number, code: string, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`;
  response.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
