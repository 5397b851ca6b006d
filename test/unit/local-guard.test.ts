import { describe, expect, it } from 'vitest';
import { refusal, requestHost } from '../../src/local/guard.js';

const request = (host: string | undefined, extra: Record<string, string> = {}, method = 'POST') => ({
  method,
  headers: { ...(host === undefined ? {} : { host }), ...extra },
});

describe('the guard against web pages', () => {
  it.each([
    ['127.0.0.1:4000', true],
    ['localhost:4000', true],
    ['[::1]:4000', true],
    ['127.8.9.10', true],
    ['LOCALHOST:4000', true],
    ['evil.example:4000', false],
    ['127.0.0.1.evil.example', false],
    ['127.0.0.1:4000@evil.example', false],
    ['127.0.0.1/evil', false],
    ['', false],
    [undefined, false],
  ])('serves Host %j: %s', (host, served) => {
    expect(refusal(request(host), '127.0.0.1', false) === undefined).toBe(served);
  });

  it('serves the name it listens on, unless that is a wildcard', () => {
    expect(refusal(request('devbox:4000'), 'devbox', false)).toBeUndefined();
    expect(refusal(request('devbox:4000'), '0.0.0.0', false)).toMatch(
      /^Refused: the Host header "devbox:4000"/,
    );
  });

  it('refuses a browser Origin on the API and on what changes state, not on read-only pages', () => {
    const origin = { origin: 'http://evil.example' };
    expect(refusal(request('127.0.0.1:4000', origin), '127.0.0.1', false)).toMatch(/^Refused: a web page/);
    expect(refusal(request('127.0.0.1:4000', origin, 'DELETE'), '127.0.0.1', true)).toMatch(
      /^Refused: a web page/,
    );
    expect(refusal(request('127.0.0.1:4000', origin, 'GET'), '127.0.0.1', true)).toBeUndefined();
    expect(refusal(request('127.0.0.1:4000', {}, 'POST'), '127.0.0.1', false)).toBeUndefined();
  });

  it('normalizes the Host it names the console after', () => {
    expect(requestHost({ host: 'LocalHost:4000' })).toBe('localhost:4000');
    expect(requestHost({ host: '127.0.0.1:4000#x' })).toBeUndefined();
    expect(requestHost({ host: '127.0.0.1:99999' })).toBeUndefined();
  });
});
