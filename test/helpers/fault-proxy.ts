import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request: forward it, or cut the connection after some body bytes. */
export type Fault = { kind: 'pass' } | { kind: 'reset'; afterBytes?: number };

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
