import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request: forward it, cut the connection after some body bytes,
 * answer in the upstream's place (a throttle, a 503, AccessDenied), forward it late, or forward it
 * and then spoil the answer: lose it (the upstream acted, the client never hears), cut its body short
 * (well framed: the client reads a truncated document), replace it by an empty 200, or drip it a
 * byte at a time. `hang` neither forwards nor answers.
 */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'reset'; afterBytes?: number }
  | { kind: 'respond'; status: number; body: string; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number }
  | { kind: 'lose-response' }
  | { kind: 'truncate' }
  | { kind: 'empty-200' }
  | { kind: 'hang' }
  | { kind: 'drip'; everyMs: number };

/** The faults that leave the client not knowing whether the call was carried out. */
export const AMBIGUOUS_FAULTS = ['lose-response', 'truncate', 'empty-200', 'hang', 'drip'] as const;
export type AmbiguousFault = (typeof AMBIGUOUS_FAULTS)[number];

export function ambiguous(kind: AmbiguousFault): Fault {
  return kind === 'drip' ? { kind, everyMs: 1_500 } : { kind };
}

/** A CodeDeploy (AWS JSON 1.1) error answer, as the service sends it. */
export function codeDeployError(type: string, message: string, status = 400): Fault {
  return {
    kind: 'respond',
    status,
    body: JSON.stringify({ __type: type, message }),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fault-injected' },
  };
}

/** An S3 (REST XML) error answer, as the service sends it. */
export function s3Error(code: string, message: string, status: number): Fault {
  return {
    kind: 'respond',
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-injected</RequestId></Error>`,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'fault-injected' },
  };
}

/** The CodeDeploy operation of a request (from x-amz-target), e.g. CreateDeployment. */
export function codeDeployOperation(request: Pick<ProxiedRequest, 'headers'>): string | undefined {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' ? target.split('.').pop() : undefined;
}

/** The S3 operation of a path-style request, from its method and query (enough for what the action sends). */
export function s3Operation(request: Pick<ProxiedRequest, 'method' | 'url'>): string {
  const url = new URL(request.url, 'http://proxy');
  const query = url.searchParams;
  const hasKey = url.pathname.split('/').filter(Boolean).length > 1;
  switch (request.method) {
    case 'HEAD':
      return hasKey ? 'HeadObject' : 'HeadBucket';
    case 'PUT':
      if (query.has('partNumber')) return 'UploadPart';
      return hasKey ? 'PutObject' : 'CreateBucket';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (query.has('uploadId')) return 'CompleteMultipartUpload';
      if (query.has('delete')) return 'DeleteObjects';
      return 'PostObject';
    case 'DELETE':
      if (query.has('uploadId')) return 'AbortMultipartUpload';
      return hasKey ? 'DeleteObject' : 'DeleteBucket';
    default:
      if (query.has('uploads')) return 'ListMultipartUploads';
      if (query.has('uploadId')) return 'ListParts';
      if (!hasKey) return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      return 'GetObject';
  }
}

/** S3 and CodeDeploy calls that change something: a bad input must send none of them. */
export function isWrite(operation: string): boolean {
  return !/^(Get|List|BatchGet|Head)/.test(operation);
}

export interface ProxiedRequest {
  method: string;
  /** Path and query as sent, e.g. /bucket/key?partNumber=2&uploadId=… */
  url: string;
  headers: IncomingMessage['headers'];
  /** 0-based count of requests seen so far. */
  index: number;
  /** Epoch ms when the request arrived. */
  time: number;
  /** From the SigV4 Authorization header: tells apart concurrent runs that use distinct keys. */
  accessKeyId?: string;
  /** What the proxy did with it. */
  fault?: Fault['kind'];
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT: give it to the client as its endpoint. */
  endpoint: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a real server (moto, the local CodeDeploy) that injects
 * the faults a flaky network or a struggling service produces. The Host header is passed through
 * untouched (SigV4 signs it).
 */
export async function startFaultProxy(
  target: string,
  decide: (request: ProxiedRequest) => Fault | Promise<Fault>,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    req.pause();
    const credential = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '');
    const seen: ProxiedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      index: requests.length,
      time: Date.now(),
      ...(credential ? { accessKeyId: credential[1]! } : {}),
    };
    requests.push(seen);
    Promise.resolve(decide(seen))
      .catch((): Fault => ({ kind: 'reset' }))
      .then((fault) => {
        seen.fault = fault.kind;
        apply(fault);
      });

    function apply(fault: Fault) {
      if (fault.kind === 'respond') {
        req.resume();
        req.on('end', () => {
          res.writeHead(fault.status, { 'content-length': Buffer.byteLength(fault.body), ...fault.headers });
          res.end(fault.body);
        });
        return;
      }
      if (fault.kind === 'delay') {
        setTimeout(() => forwardRequest(fault), fault.ms);
        return;
      }
      if (fault.kind === 'hang') {
        // Read the request, answer nothing: the client's own time limit must end it.
        req.resume();
        return;
      }
      if (fault.kind === 'reset') {
        let received = 0;
        const cut = () => req.socket.destroy();
        if (!fault.afterBytes) return cut();
        req.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received >= (fault.afterBytes ?? 0)) cut();
        });
        req.on('end', cut);
        req.resume();
        return;
      }
      forwardRequest(fault);
    }

    function forwardRequest(fault: Fault) {
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          if (fault.kind === 'pass' || fault.kind === 'delay') {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            return;
          }
          // The upstream has acted on the request: read its whole answer, then spoil it.
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () =>
            spoil(fault, answer.statusCode ?? 502, answer.headers, Buffer.concat(chunks)),
          );
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
      req.resume();
    }

    function spoil(fault: Fault, status: number, headers: IncomingMessage['headers'], body: Buffer) {
      const { 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = headers;
      if (fault.kind === 'lose-response') {
        req.socket.destroy();
      } else if (fault.kind === 'truncate') {
        const kept = body.subarray(0, Math.floor(body.length / 2));
        res.writeHead(status, { ...rest, 'content-length': kept.length });
        res.end(kept);
      } else if (fault.kind === 'empty-200') {
        res.writeHead(200, { 'content-length': 0 });
        res.end();
      } else if (fault.kind === 'drip') {
        res.writeHead(status, { ...rest, 'content-length': body.length });
        let sent = 0;
        const next = () => {
          if (res.destroyed) return;
          if (sent >= body.length) return void res.end();
          res.write(body.subarray(sent, sent + 1));
          sent += 1;
          setTimeout(next, fault.everyMs).unref();
        };
        next();
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FaultRule {
  /** The operation it applies to (codeDeployOperation / s3Operation names). */
  operation: string;
  fault: Fault | ((request: ProxiedRequest) => Fault | Promise<Fault>);
  /** How many matching requests get the fault; forever when omitted. */
  times?: number;
  /** Matching requests let through before the fault starts. */
  after?: number;
  /** Narrows the rule further (a key, a group name in the query). */
  when?: (request: ProxiedRequest) => boolean;
}

/**
 * A scripted set of faults for one proxy: "throttle CreateDeployment twice", "reset every UploadPart
 * after 1 MiB", "AccessDenied on HeadObject forever". Counts what it saw and what it injected.
 */
export class FaultScript {
  private readonly rules: Array<FaultRule & { seen: number; injected: number }> = [];

  constructor(private readonly operationOf: (request: ProxiedRequest) => string | undefined) {}

  add(...rules: FaultRule[]): this {
    for (const rule of rules) this.rules.push({ ...rule, seen: 0, injected: 0 });
    return this;
  }

  readonly decide = (request: ProxiedRequest): Fault | Promise<Fault> => {
    const operation = this.operationOf(request);
    for (const rule of this.rules) {
      if (rule.operation !== operation || (rule.when && !rule.when(request))) continue;
      rule.seen++;
      if (rule.seen <= (rule.after ?? 0)) continue;
      if (rule.injected >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
      rule.injected++;
      return typeof rule.fault === 'function' ? rule.fault(request) : rule.fault;
    }
    return { kind: 'pass' };
  };

  /** Faults injected so far (for one operation, or all). */
  injected(operation?: string): number {
    return this.rules
      .filter((rule) => operation === undefined || rule.operation === operation)
      .reduce((sum, rule) => sum + rule.injected, 0);
  }
}

export const codeDeployFaults = (...rules: FaultRule[]) => new FaultScript(codeDeployOperation).add(...rules);
export const s3Faults = (...rules: FaultRule[]) => new FaultScript(s3Operation).add(...rules);
