import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization?: string;
}

interface Deployment {
  id: number;
  environment: string;
  ref: string;
  sha: string;
  payload: unknown;
  transient_environment?: boolean;
  statuses: Array<Record<string, unknown>>;
  body: Record<string, unknown>;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
}

/**
 * A stand-in for api.github.com on 127.0.0.1 (GITHUB_API_URL): serves repository files per branch,
 * records deployments, statuses and issue comments, and can be told to fail.
 */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  /** `${branch}:${path}` → content */
  readonly files = new Map<string, string>();
  readonly deployments: Deployment[] = [];
  readonly comments: Comment[] = [];
  /** When set, every request answers with this status (simulates an outage or a bad token). */
  failWith: number | undefined;
  private server: Server | undefined;
  private nextId = 1000;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  setFile(branch: string, path: string, content: string): void {
    this.files.set(`${branch}:${path}`, content);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    this.requests.push({
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      body,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const send = (status: number, payload: unknown, raw = false) => {
      res.writeHead(status, { 'content-type': raw ? 'text/plain' : 'application/json' });
      res.end(raw ? String(payload) : JSON.stringify(payload));
    };
    if (this.failWith) return send(this.failWith, { message: 'injected failure' });
    const route = `${req.method} ${url.pathname}`;
    let match: RegExpMatchArray | null;

    if ((match = route.match(/^GET \/repos\/[^/]+\/[^/]+\/contents\/(.+)$/))) {
      const content = this.files.get(`${url.searchParams.get('ref')}:${decodeURIComponent(match[1]!)}`);
      return content === undefined ? send(404, { message: 'Not Found' }) : send(200, content, true);
    }
    if ((match = route.match(/^POST \/repos\/[^/]+\/[^/]+\/deployments$/))) {
      const deployment: Deployment = { id: this.nextId++, statuses: [], body, ...body };
      this.deployments.push(deployment);
      return send(201, { id: deployment.id, ...body });
    }
    if ((match = route.match(/^GET \/repos\/[^/]+\/[^/]+\/deployments$/))) {
      const environment = url.searchParams.get('environment');
      const list = this.deployments.filter((d) => !environment || d.environment === environment).reverse();
      return send(
        200,
        list.map((d) => ({ id: d.id, environment: d.environment, ref: d.ref, sha: d.sha })),
      );
    }
    if ((match = route.match(/^POST \/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/))) {
      const deployment = this.deployments.find((d) => d.id === Number(match![1]));
      if (!deployment) return send(404, { message: 'Not Found' });
      deployment.statuses.push(body);
      return send(201, { id: this.nextId++, ...body });
    }
    if ((match = route.match(/^GET \/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const issue = Number(match[1]);
      return send(
        200,
        this.comments.filter((c) => c.issue === issue).map((c) => ({ id: c.id, body: c.body })),
      );
    }
    if ((match = route.match(/^POST \/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const comment = { id: this.nextId++, issue: Number(match[1]), body: String(body?.body) };
      this.comments.push(comment);
      return send(201, { id: comment.id, body: comment.body });
    }
    if ((match = route.match(/^PATCH \/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/))) {
      const comment = this.comments.find((c) => c.id === Number(match![1]));
      if (!comment) return send(404, { message: 'Not Found' });
      comment.body = String(body?.body);
      return send(200, { id: comment.id, body: comment.body });
    }
    return send(404, { message: `fake GitHub has no route for ${route}` });
  }
}
