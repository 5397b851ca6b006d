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
  author: string;
}

/** The workflow token's account, as GitHub names it on what it writes. */
export const TOKEN_IDENTITY = 'github-actions[bot]';

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
  /** `${base}...${head}` → the compare API's status (ahead, behind, identical, diverged). */
  readonly comparisons = new Map<string, string>();
  /**
   * `${base}...${head}` → the files changed, which the compare API lists as GitHub does: 300 at most,
   * all with the first page of commits, none with the next.
   */
  readonly changes = new Map<string, Array<string | { filename: string; previous_filename: string }>>();
  /** Full shas of the repository's commits: the commits API resolves an abbreviation to one of them. */
  readonly commits: string[] = [];
  /** The repository's branches: name → the commit its head is at (the branches API knows no tags). */
  readonly branches = new Map<string, string>();
  /** The account the token is (GraphQL's viewer), which writes the comments the action posts. */
  identity = TOKEN_IDENTITY;
  /** When set, every request answers with this status (simulates an outage or a bad token). */
  failWith: number | undefined;
  /** Finer failure injection: the status (and message) to answer for this request, or undefined to serve it. */
  failWhen:
    | ((request: RecordedRequest) => number | { status: number; message: string } | undefined)
    | undefined;
  /** Requests it never answers (an API that hangs), until stop(). */
  hangWhen: ((request: RecordedRequest) => boolean) | undefined;
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
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A comment someone else wrote on the pull request or issue. */
  addComment(issue: number, body: string, author = 'octocat'): number {
    const id = this.nextId++;
    this.comments.push({ id, issue, body, author });
    return id;
  }

  /** Requests other than the config file reads, as `METHOD path` lines (for exact assertions). */
  calls(): string[] {
    return this.requests.filter((r) => !r.path.includes('/contents/')).map((r) => `${r.method} ${r.path}`);
  }

  reset(): void {
    this.requests.length = 0;
    this.deployments.length = 0;
    this.comments.length = 0;
    this.commits.length = 0;
    this.changes.clear();
    this.branches.clear();
    this.identity = TOKEN_IDENTITY;
    this.failWith = undefined;
    this.failWhen = undefined;
    this.hangWhen = undefined;
    this.nextId = 1000;
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
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      body,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    this.requests.push(recorded);
    const send = (status: number, payload: unknown, raw = false) => {
      res.writeHead(status, { 'content-type': raw ? 'text/plain' : 'application/json' });
      res.end(raw ? String(payload) : JSON.stringify(payload));
    };
    if (this.hangWhen?.(recorded)) return;
    const failure = this.failWith ?? this.failWhen?.(recorded);
    if (typeof failure === 'number') return send(failure, { message: 'injected failure' });
    if (failure) return send(failure.status, { message: failure.message });
    const route = `${req.method} ${url.pathname}`;
    const routes: Array<[RegExp, (match: RegExpMatchArray) => void]> = [
      [
        /^POST \/graphql$/,
        () =>
          /\bviewer\s*\{\s*login\s*\}/.test(String(body?.query))
            ? send(200, { data: { viewer: { login: this.identity } } })
            : send(200, { errors: [{ message: 'fake GitHub answers only viewer { login }' }] }),
      ],
      [
        /^GET \/repos\/[^/]+\/[^/]+\/compare\/(.+)$/,
        (match) => {
          const basehead = decodeURIComponent(match[1]!);
          const changed = this.changes.get(basehead);
          const status = this.comparisons.get(basehead) ?? (changed ? 'ahead' : undefined);
          if (!status) return send(404, { message: 'Not Found' });
          const firstPage = Number(url.searchParams.get('page') ?? 1) === 1;
          const files = (firstPage ? (changed ?? []) : [])
            .slice(0, 300)
            .map((file) =>
              typeof file === 'string'
                ? { filename: file, status: 'modified' }
                : { ...file, status: 'renamed' },
            );
          return send(200, { status, ahead_by: 0, behind_by: 0, commits: [], files });
        },
      ],
      [
        /^GET \/repos\/[^/]+\/[^/]+\/commits\/([^/]+)$/,
        (match) => {
          const found = this.commits.filter((sha) => sha.startsWith(match[1]!));
          return found.length === 1
            ? send(200, { sha: found[0] })
            : send(found.length === 0 ? 404 : 422, { message: 'No commit found for SHA' });
        },
      ],
      [
        /^GET \/repos\/[^/]+\/[^/]+\/branches\/(.+)$/,
        (match) => {
          const name = decodeURIComponent(match[1]!);
          const sha = this.branches.get(name);
          return sha
            ? send(200, { name, commit: { sha }, protected: false })
            : send(404, { message: 'Branch not found' });
        },
      ],
      [
        /^GET \/repos\/[^/]+\/[^/]+\/contents\/(.+)$/,
        (match) => {
          const path = decodeURIComponent(match[1]!).replace(/\/$/, '');
          const ref = url.searchParams.get('ref');
          const content = this.files.get(`${ref}:${path}`);
          if (content !== undefined) return send(200, content, true);
          // A folder is listed as JSON entries, whatever media type was asked for (as GitHub does).
          const entries = new Map<string, 'file' | 'dir'>();
          for (const key of this.files.keys()) {
            const inside = key.startsWith(`${ref}:${path}/`)
              ? key.slice(`${ref}:${path}/`.length)
              : undefined;
            if (inside === undefined) continue;
            const [name, ...deeper] = inside.split('/');
            entries.set(name!, deeper.length > 0 ? 'dir' : 'file');
          }
          if (entries.size === 0) return send(404, { message: 'Not Found' });
          return send(
            200,
            [...entries].map(([name, type]) => ({ name, path: `${path}/${name}`, type })),
          );
        },
      ],
      [
        /^POST \/repos\/[^/]+\/[^/]+\/deployments$/,
        () => {
          const deployment: Deployment = { id: this.nextId++, statuses: [], body, ...body };
          this.deployments.push(deployment);
          send(201, { id: deployment.id, ...body });
        },
      ],
      [
        /^GET \/repos\/[^/]+\/[^/]+\/deployments$/,
        () => {
          const environment = url.searchParams.get('environment');
          const list = this.deployments
            .filter((d) => !environment || d.environment === environment)
            .reverse();
          send(
            200,
            list.map((d) => ({
              id: d.id,
              environment: d.environment,
              ref: d.ref,
              sha: d.sha,
              payload: d.payload ?? {},
            })),
          );
        },
      ],
      [
        /^POST \/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/,
        (match) => {
          const deployment = this.deployments.find((d) => d.id === Number(match[1]));
          if (!deployment) return send(404, { message: 'Not Found' });
          deployment.statuses.push(body);
          send(201, { id: this.nextId++, ...body });
        },
      ],
      [
        /^GET \/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/,
        (match) => {
          const all = this.comments.filter((c) => c.issue === Number(match[1]));
          // Paged like GitHub: ?per_page (default 30) and ?page, with a Link header to the next page.
          const perPage = Number(url.searchParams.get('per_page') ?? 30);
          const page = Number(url.searchParams.get('page') ?? 1);
          const slice = all.slice((page - 1) * perPage, page * perPage);
          if (page * perPage < all.length) {
            const next = new URL(url.toString());
            next.searchParams.set('page', String(page + 1));
            res.setHeader('link', `<${this.url}${next.pathname}${next.search}>; rel="next"`);
          }
          send(
            200,
            slice.map((c) => ({
              id: c.id,
              body: c.body,
              user: { login: c.author, type: c.author.endsWith('[bot]') ? 'Bot' : 'User' },
            })),
          );
        },
      ],
      [
        /^POST \/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/,
        (match) => {
          const comment = {
            id: this.nextId++,
            issue: Number(match[1]),
            body: String(body?.body),
            author: this.identity,
          };
          this.comments.push(comment);
          send(201, { id: comment.id, body: comment.body });
        },
      ],
      [
        /^PATCH \/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/,
        (match) => {
          const comment = this.comments.find((c) => c.id === Number(match[1]));
          if (!comment) return send(404, { message: 'Not Found' });
          comment.body = String(body?.body);
          send(200, { id: comment.id, body: comment.body });
        },
      ],
    ];
    for (const [pattern, handle] of routes) {
      const match = route.match(pattern);
      if (match) return handle(match);
    }
    return send(404, { message: `fake GitHub has no route for ${route}` });
  }
}
