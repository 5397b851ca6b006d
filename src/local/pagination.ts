import { ApiError } from './wire.js';

/**
 * Cursor pagination over an ordered list: the token names the last item returned, so pages stay
 * consistent when items are added (new deployments go to the front of a newest-first list).
 */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  token: string | undefined,
  pageSize: number,
  scope: string,
): Page<T> {
  let start = 0;
  if (token !== undefined) {
    const cursor = decodeToken(token, scope);
    const index = items.findIndex((item) => keyOf(item) === cursor);
    if (index < 0) throw new ApiError('InvalidNextTokenException', 'The next token is unknown or expired');
    start = index + 1;
  }
  const page = items.slice(start, start + pageSize);
  const last = page[page.length - 1];
  const more = start + pageSize < items.length;
  return {
    items: page,
    ...(more && last !== undefined ? { nextToken: encodeToken(keyOf(last), scope) } : {}),
  };
}

function encodeToken(key: string, scope: string): string {
  return Buffer.from(JSON.stringify({ s: scope, k: key })).toString('base64url');
}

/** The scope ties a token to the query it came from, so a token is not replayed on another list. */
function decodeToken(token: string, scope: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      s?: unknown;
      k?: unknown;
    };
    if (parsed.s === scope && typeof parsed.k === 'string') return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw new ApiError('InvalidNextTokenException', 'The next token was not issued for this request');
}
