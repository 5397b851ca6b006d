import type { IncomingHttpHeaders } from 'node:http';

/**
 * The local CodeDeploy runs hook scripts on the developer's machine, so a web page the developer
 * visits must not be able to drive it:
 * - DNS rebinding: a page on evil.example whose name then resolves to 127.0.0.1 reaches the server
 *   with `Host: evil.example`; only the loopback names (and the host it listens on) are served;
 * - cross-site requests: a browser adds `Origin` to a page's POSTs and cross-origin fetches; the
 *   API (POST /) and anything that changes state refuse them. Clients that are not browsers (SDKs,
 *   the AWS CLI, curl) send no Origin. The console's pages, read-only GETs, stay open to links.
 */
const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export interface GuardedRequest {
  method?: string | undefined;
  headers: IncomingHttpHeaders;
}

/** The request's Host header as `host:port`, normalized; undefined when it is not one. */
export function requestHost(headers: IncomingHttpHeaders): string | undefined {
  try {
    const url = new URL(`http://${headers.host ?? ''}`);
    const plain =
      url.pathname === '/' &&
      url.username === '' &&
      url.password === '' &&
      url.search === '' &&
      url.hash === '';
    return plain ? url.host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the request is refused (403), or undefined to serve it. `page`: a console page or a control
 * route, which a browser may GET from anywhere (what changes state there is not a GET).
 */
export function refusal(request: GuardedRequest, listenHost: string, page: boolean): string | undefined {
  const host = requestHost(request.headers);
  const hostname = host === undefined ? '' : new URL(`http://${host}`).hostname;
  const wildcard = listenHost === '0.0.0.0' || listenHost === '::';
  if (hostname === '' || !(isLoopback(hostname) || (!wildcard && hostname === listenHost))) {
    return (
      `Refused: the Host header ${JSON.stringify(request.headers.host ?? '')} is not a name of this machine's loopback interface. ` +
      `The local CodeDeploy answers requests for 127.0.0.1, localhost or [::1] only (this guards it against DNS rebinding).`
    );
  }
  const method = request.method ?? 'GET';
  if (request.headers.origin !== undefined && !(page && (method === 'GET' || method === 'HEAD'))) {
    return (
      `Refused: a web page (Origin ${JSON.stringify(request.headers.origin)}) may not call the local CodeDeploy's ` +
      'API or change its state; use an AWS SDK, the AWS CLI or curl, which send no Origin header.'
    );
  }
  return undefined;
}
