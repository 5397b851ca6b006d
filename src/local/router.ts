import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One instance the router forwards to. */
export interface RouteTarget {
  instanceId: string;
  port: number;
}

/** Response header naming the instance that answered (for demos and tests). */
export const INSTANCE_HEADER = 'x-local-codedeploy-instance';

/**
 * The local stand-in for a deployment group's load balancer: an HTTP reverse proxy on 127.0.0.1
 * that spreads requests over the instances registered with it (round robin). Registering and
 * deregistering is what the AllowTraffic and BlockTraffic events do, so a blue/green deployment
 * flips the router from the original fleet to the replacement one, with both registered in
 * between: requests keep being answered throughout.
 *
 * Like a load balancer without retries, a request sent to an instance that does not answer gets
 * 502; with no instance registered, 503.
 */
export class TrafficRouter {
  private targets: RouteTarget[] = [];
  private next = 0;
  // A fresh connection per request: a pooled one to an instance whose server was replaced would fail.
  private readonly agent = new Agent({ keepAlive: false });

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly port: number,
    private readonly name: string,
  ) {}

  /** Listens on `host:port`; when that port is taken (or 0), on a free one. */
  static async start(name: string, host: string, port = 0): Promise<TrafficRouter> {
    let router: TrafficRouter | undefined;
    const server = createServer((req, res) => router?.forward(req, res));
    const listen = (at: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(at, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    try {
      await listen(port);
    } catch (error) {
      if (port === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      await listen(0);
    }
    const bound = (server.address() as AddressInfo).port;
    router = new TrafficRouter(server, `http://${host}:${bound}`, bound, name);
    return router;
  }

  setTargets(targets: readonly RouteTarget[]): void {
    this.targets = [...targets];
  }

  currentTargets(): RouteTarget[] {
    return [...this.targets];
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.agent.destroy();
    await closed;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const target = this.targets.length > 0 ? this.targets[this.next++ % this.targets.length] : undefined;
    if (!target) {
      reply(
        res,
        503,
        `The local router of ${this.name} has no instance registered: no deployment has allowed traffic to one yet.\n`,
      );
      return;
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1' },
        agent: this.agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, [INSTANCE_HEADER]: target.instanceId });
        answer.pipe(res);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      reply(
        res,
        502,
        `The local router of ${this.name} sent this request to instance ${target.instanceId} on port ${target.port}, ` +
          `which did not answer (${error.code ?? error.message}): is the application started by the ApplicationStart ` +
          'hook listening on LOCAL_CODEDEPLOY_INSTANCE_PORT?\n',
        target.instanceId,
      );
    });
    req.pipe(upstream);
  }
}

function reply(res: ServerResponse, status: number, text: string, instanceId?: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(instanceId ? { [INSTANCE_HEADER]: instanceId } : {}),
  });
  res.end(text);
}
