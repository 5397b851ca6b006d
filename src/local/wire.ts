import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An error CodeDeploy would answer with: HTTP 400 and `{"__type": name, "message": ...}`.
 * The SDK maps `__type` to its typed exception class, the AWS CLI prints both.
 */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const TARGET_PREFIX = 'CodeDeploy_20141006.';
const JSON_11 = 'application/x-amz-json-1.1';
/** Far above any real request body; it only guards the server against a runaway client. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export type Operation = (input: Record<string, unknown>) => Promise<unknown>;

export interface JsonCall {
  operation: string;
  input: Record<string, unknown>;
}

/** Reads an AWS JSON 1.1 request; throws ApiError for anything CodeDeploy would reject the same way. */
export async function readJsonCall(request: IncomingMessage): Promise<JsonCall> {
  const target = request.headers['x-amz-target'];
  if (request.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
    throw new ApiError(
      'UnknownOperationException',
      'Expected POST / with header x-amz-target: CodeDeploy_20141006.<Operation>',
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError('SerializationException', 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  let input: unknown = {};
  if (text !== '') {
    try {
      input = JSON.parse(text);
    } catch {
      throw new ApiError('SerializationException', 'The request body is not valid JSON');
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ApiError('SerializationException', 'The request body must be a JSON object');
  }
  return { operation: target.slice(TARGET_PREFIX.length), input: input as Record<string, unknown> };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  response.writeHead(status, {
    'content-type': JSON_11,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

export function sendError(response: ServerResponse, error: ApiError): void {
  response.setHeader('x-amzn-errortype', error.type);
  sendJson(response, 400, { __type: error.type, message: error.message });
}

/** CodeDeploy timestamps are epoch seconds as JSON numbers (fractions allowed). */
export function epochSeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}
