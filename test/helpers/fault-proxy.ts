import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request: forward it, cut the connection after some body bytes,
 * answer in the upstream's place (a throttle, a 503, AccessDenied), or forward it late.
 */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'reset'; afterBytes?: number }
  | { kind: 'respond'; status: number; body: string; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number };

/** A CodeDeploy (AWS JSON 1.1) error answer, as the service sends it. */
export function codeDeployError(type: string, message: string, status = 400): Fault {
  return {
    kind: 'respond',
    status,
    body: JSON.stringify({ __type: type, message }),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fault-injected' },
  };
}

/** The CodeDeploy operation of a request (from x-amz-target), e.g. CreateDeployment. */
export function codeDeployOperation(request: ProxiedRequest): string | undefined {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' ? target.split('.').pop() : undefined;
}

export interface ProxiedRequest {
  method: string;
  /** Path and query as sent, e.g. /bucket/key?partNumber=2&uploadId=… */
  url: string;
  headers: IncomingMessage['headers'];
  /** 0-based count of requests seen so far. */
  index: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT: give it to the client as its endpoint. */
  endpoint: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a real server (moto) that can reset chosen requests mid-body,
 * the way a flaky network does. The Host header is passed through untouched (SigV4 signs it).
 */
export async function startFaultProxy(
  target: string,
  decide: (request: ProxiedRequest) => Fault,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const seen: ProxiedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      index: requests.length,
    };
    requests.push(seen);
    const fault = decide(seen);
    if (fault.kind === 'respond') {
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status, { 'content-length': Buffer.byteLength(fault.body), ...fault.headers });
        res.end(fault.body);
      });
      return;
    }
    if (fault.kind === 'delay') {
      req.pause();
      setTimeout(() => forwardRequest(), fault.ms);
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
      return;
    }
    forwardRequest();

    function forwardRequest() {
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
      req.resume();
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
