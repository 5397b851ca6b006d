import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a client sent through the proxy and what the server answered. */
export interface Exchange {
  /** From x-amz-target: CodeDeploy_20141006.<Operation>. */
  operation: string;
  requestBody: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  responseBody: string;
}

export interface RecordingProxy {
  endpoint: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 that passes everything to `target` and keeps each request and answer
 * whole: what a client (the AWS CLI) and the server really said to each other, before either
 * side's parsing.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const responseBody = Buffer.concat(parts);
            const target = String(req.headers['x-amz-target'] ?? '');
            exchanges.push({
              operation: target.slice(target.indexOf('.') + 1),
              requestBody: requestBody.toString('utf8'),
              status: answer.statusCode ?? 0,
              headers: answer.headers,
              responseBody: responseBody.toString('utf8'),
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(responseBody);
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(requestBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
