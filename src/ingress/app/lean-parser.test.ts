import { createServer, type IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { socketPair } from '../../workloads/testing/socket-pair.js';
import { LEAN_MAX_HEAD, type LeanHead, parseLeanHead } from './lean-parser.js';

function parse(text: string): ReturnType<typeof parseLeanHead> {
  return parseLeanHead(Buffer.from(text, 'latin1'));
}

describe('parseLeanHead: heads the lean front serves', () => {
  it('a minimal GET', () => {
    const text = 'GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\n\r\n';
    const h = parse(text) as LeanHead;
    expect(h).toEqual({
      method: 'GET',
      url: '/a?b=1',
      rawHeaders: ['Host', 'example.com'],
      headers: { host: 'example.com' },
      contentLength: 0,
      keepAlive: true,
      headBytes: text.length,
    });
  });

  it('names keep their case in rawHeaders; values lose surrounding blanks; a body length; Connection: close', () => {
    const text =
      'POST /up HTTP/1.1\r\nHOST:x\r\nX-Thing: \t a b \t\r\nContent-Length: 11\r\nConnection: Close\r\n\r\nhello world';
    const h = parse(text) as LeanHead;
    expect(h.rawHeaders).toEqual([
      'HOST',
      'x',
      'X-Thing',
      'a b',
      'Content-Length',
      '11',
      'Connection',
      'Close',
    ]);
    expect(h.headers).toEqual({ host: 'x', 'x-thing': 'a b', 'content-length': '11', connection: 'Close' });
    expect(h.contentLength).toBe(11);
    expect(h.keepAlive).toBe(false);
    expect(h.headBytes).toBe(text.length - 'hello world'.length);
  });

  it('no headers at all, and an empty value', () => {
    expect(parse('GET / HTTP/1.1\r\n\r\n')).toMatchObject({ rawHeaders: [], headers: {} });
    expect(parse('GET / HTTP/1.1\r\nX-Empty:\r\n\r\n')).toMatchObject({ rawHeaders: ['X-Empty', ''] });
  });
});

describe('parseLeanHead: partial heads wait, or fall back as soon as they cannot be lean', () => {
  it.each([
    ['', 'incomplete'],
    ['G', 'incomplete'],
    ['GET /a', 'incomplete'],
    ['GET /a HTTP/1.', 'incomplete'],
    ['GET /a HTTP/1.1\r', 'incomplete'],
    ['GET /a HTTP/1.1\r\nHo', 'incomplete'],
    ['GET /a HTTP/1.1\r\nHost: x\r\n\r', 'incomplete'],
    ['GA', 'method'],
    ['GET a', 'target'],
    ['GET /a HTTP/1.0', 'version'],
    ['GET /a HTTP/1.1\nHost: x\n\n', 'version'],
    ['GET /a HTTP/1.1\r\nBad Name: x', 'header-syntax'],
    ['GET /a HTTP/1.1\r\nX: \u0001', 'header-syntax'],
  ])('%j → %s', (text, want) => {
    expect(parse(text)).toBe(want);
  });

  it('a head longer than LEAN_MAX_HEAD falls back (Node applies nginx limits)', () => {
    expect(parse(`GET / HTTP/1.1\r\nCookie: ${'a'.repeat(LEAN_MAX_HEAD)}`)).toBe('large');
    expect(parse(`GET / HTTP/1.1\r\nCookie: ${'a'.repeat(LEAN_MAX_HEAD)}\r\n\r\n`)).toBe('large');
  });
});

describe('parseLeanHead: complete heads that go to Node', () => {
  it.each<[string, string]>([
    ['GARBAGE\r\n\r\n', 'method'],
    ['\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n', 'method'],
    ['get / HTTP/1.1\r\n\r\n', 'method'],
    ['TRACE / HTTP/1.1\r\n\r\n', 'method'],
    ['CONNECT example.com:443 HTTP/1.1\r\n\r\n', 'method'],
    ['GET http://example.com/ HTTP/1.1\r\n\r\n', 'target'],
    ['GET * HTTP/1.1\r\n\r\n', 'target'],
    ['GET /a#frag HTTP/1.1\r\n\r\n', 'target'],
    ['GET /a\u00e9 HTTP/1.1\r\n\r\n', 'target'],
    ['GET  / HTTP/1.1\r\n\r\n', 'target'],
    ['GET /\r\n\r\n', 'request-line'],
    ['GET / HTTP/1.0\r\nHost: x\r\n\r\n', 'version'],
    ['GET / HTTP/1.1 \r\nHost: x\r\n\r\n', 'version'],
    ['GET / HTTP/1.1\r\nHost : x\r\n\r\n', 'header-syntax'],
    ['GET / HTTP/1.1\r\n: x\r\n\r\n', 'header-syntax'],
    ['GET / HTTP/1.1\r\nNoColon\r\n\r\n', 'header-syntax'],
    ['GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n', 'header-syntax'],
    ['GET / HTTP/1.1\r\nX: caf\u00e9\r\n\r\n', 'header-syntax'],
    ['GET / HTTP/1.1\r\nX: a\nY: b\r\n\r\n', 'header-syntax'],
    ['GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n', 'repeated-header'],
    ['GET / HTTP/1.1\r\nconstructor: a\r\n\r\n', 'repeated-header'],
    ['GET / HTTP/1.1\r\n__proto__: a\r\n\r\n', 'repeated-header'],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n', 'transfer-encoding'],
    ['POST / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n', 'expect'],
    ['GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n', 'upgrade'],
    ['GET / HTTP/1.1\r\nConnection: Upgrade\r\n\r\n', 'connection'],
    ['GET / HTTP/1.1\r\nConnection: close, X-A\r\n\r\n', 'connection'],
    ['POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 'content-length'],
    ['POST / HTTP/1.1\r\nContent-Length: 0\t\r\n\r\n', 'content-length'],
    ['POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n', 'content-length'],
    ['POST / HTTP/1.1\r\nContent-Length: 9999999999999999\r\n\r\n', 'content-length'],
    ['GET / HTTP/1.1\r\nSet-Cookie: a=b\r\n\r\n', 'set-cookie'],
  ])('%j → %s', (text, want) => {
    expect(parse(text)).toBe(want);
  });
});

/** Node's own parser, configured as the controller's (http-front.ts), run on in-memory sockets. */
const node = createServer({ maxHeaderSize: 40 * 1024, requireHostHeader: false });
node.maxHeadersCount = 0;
afterAll(() => node.close());

type NodeOutcome =
  | {
      readonly kind: 'request';
      readonly method: string | undefined;
      readonly url: string | undefined;
      readonly httpVersion: string;
      readonly rawHeaders: readonly string[];
      readonly headers: IncomingMessage['headers'];
    }
  | { readonly kind: 'error' | 'other' };

function nodeParse(bytes: Buffer): Promise<NodeOutcome> {
  return new Promise((resolve) => {
    const { client, server } = socketPair();
    const done = (o: NodeOutcome) => {
      node.removeListener('request', onRequest);
      node.removeListener('clientError', onError);
      client.destroy();
      server.destroy();
      resolve(o);
    };
    const onRequest = (req: IncomingMessage) => {
      if ((req.socket as unknown) !== server) return;
      const { method, url, httpVersion, rawHeaders, headers } = req;
      done({ kind: 'request', method, url, httpVersion, rawHeaders, headers: { ...headers } });
    };
    const onError = (_err: Error, socket: unknown) => {
      if (socket === server) done({ kind: 'error' });
    };
    node.on('request', onRequest);
    node.on('clientError', onError);
    node.emit('connection', server);
    client.write(bytes);
    setTimeout(() => done({ kind: 'other' }), 200);
  });
}

/** Mostly what a client sends, with a dash of what it should not (so both verdicts occur). */
function mostly<T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 20, arbitrary: usual }, { weight: 1, arbitrary: odd });
}

const METHOD = mostly(
  fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
  fc.constantFrom('get', 'TRACE', 'PRI', 'G ET'),
);
const URL_CHAR = mostly(
  fc.constantFrom(..."/abcXYZ09-._~!$&'()*+,;=:@?%"),
  fc.constantFrom(...'[]{}|\\^`"<> #\t\u0080\u00ff\u0001'),
);
const TARGET = mostly(
  fc.string({ unit: URL_CHAR, maxLength: 12 }).map((s) => `/${s}`),
  fc.string({ unit: URL_CHAR, maxLength: 12 }),
);
const VERSION = mostly(
  fc.constant('HTTP/1.1'),
  fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'http/1.1', 'HTTP/1.1 '),
);
const NAME = mostly(
  fc.oneof(
    fc.constantFrom(
      'Host',
      'X-A',
      'Content-Length',
      'Connection',
      'Cookie',
      'User-Agent',
      'Accept',
      'Referer',
    ),
    fc.string({ unit: fc.constantFrom(...'abAB-_!#~1'), minLength: 1, maxLength: 6 }),
  ),
  fc.constantFrom('Transfer-Encoding', 'Expect', 'Upgrade', 'Set-Cookie', 'Bad Name', '', 'X(y)', 'Host'),
);
const VALUE = mostly(
  fc.oneof(
    fc.string({ unit: fc.constantFrom(...'abc 019,;=/:"\'\t'), maxLength: 10 }),
    fc.constantFrom('close', 'keep-alive', 'Keep-Alive', '5', '007', ' 12 ', '0'),
  ),
  fc.oneof(
    fc.string({ unit: fc.constantFrom(...'ab\u0001\u007f\u0080\u00e9\r'), maxLength: 4 }),
    fc.constantFrom('1,2', 'chunked', 'upgrade', '-1', '1 2'),
  ),
);
const SEP = mostly(fc.constantFrom(': ', ':', ':\t', ':  '), fc.constantFrom(' : ', ' :'));
const EOL = mostly(fc.constant('\r\n'), fc.constantFrom('\n', '\r\n '));
const HEAD = fc
  .record({
    method: METHOD,
    target: TARGET,
    version: VERSION,
    headers: fc.array(fc.tuple(NAME, SEP, VALUE, EOL), { maxLength: 6 }),
  })
  .map(
    ({ method, target, version, headers }) =>
      `${method} ${target} ${version}\r\n${headers.map(([n, s, v, e]) => `${n}${s}${v}${e}`).join('')}\r\n`,
  );

describe('parseLeanHead agrees with Node’s parser', () => {
  it('every head it accepts parses to the same request in Node (property)', async () => {
    const verdicts = { lean: 0, fallback: 0 };
    await fc.assert(
      fc.asyncProperty(HEAD, async (text) => {
        const bytes = Buffer.from(text, 'latin1');
        const lean = parseLeanHead(bytes);
        if (typeof lean === 'string') {
          verdicts.fallback++;
          return;
        }
        verdicts.lean++;
        const got = await nodeParse(bytes);
        expect(got).toEqual({
          kind: 'request',
          method: lean.method,
          url: lean.url,
          httpVersion: '1.1',
          rawHeaders: lean.rawHeaders,
          headers: lean.headers,
        });
      }),
      { numRuns: 800 },
    );
    // Both verdicts must occur often enough for the property to mean something.
    expect(verdicts.lean).toBeGreaterThan(200);
    expect(verdicts.fallback).toBeGreaterThan(200);
  });
});

/** Heads as clients usually send them: common names in any case, odd spacing, now and then a bad byte. */
const COMMON_NAME = fc
  .tuple(
    fc.constantFrom(
      'Host',
      'User-Agent',
      'Accept',
      'Accept-Encoding',
      'Connection',
      'Content-Length',
      'Content-Type',
      'Cookie',
      'Referer',
      'X-Request-ID',
      'X-Real-IP',
      'X-Forwarded-For',
      'Transfer-Encoding',
      'Upgrade',
      'constructor',
      'X-Custom',
    ),
    fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
  )
  .map(([name, flips]) =>
    [...name]
      .map((c, i) => (flips[i] ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c))
      .join(''),
  );
const FAST_HEAD = fc
  .record({
    method: METHOD,
    target: TARGET,
    version: VERSION,
    headers: fc.array(fc.tuple(mostly(COMMON_NAME, NAME), SEP, VALUE, EOL), { maxLength: 8 }),
    body: fc.constantFrom('', 'hello', '\r\n'),
  })
  .map(
    ({ method, target, version, headers, body }) =>
      `${method} ${target} ${version}\r\n${headers.map(([n, s, v, e]) => `${n}${s}${v}${e}`).join('')}\r\n${body}`,
  );

describe('parseLeanHead: the one-pass fast path', () => {
  it('returns what the general parser returns, for every head (property)', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(FAST_HEAD, HEAD), (text) => {
        const bytes = Buffer.from(text, 'latin1');
        const got = parseLeanHead(bytes);
        const want = parseLeanHead(bytes, false);
        expect(got).toEqual(want);
        if (typeof got !== 'string') {
          expect(Object.keys(got.headers)).toEqual(Object.keys((want as LeanHead).headers));
          fast++;
        }
      }),
      { numRuns: 5000 },
    );
    expect(fast).toBeGreaterThan(1000);
  });

  it('keeps names as sent and values trimmed, whatever the case of a common name', () => {
    const text =
      'GET /x HTTP/1.1\r\nhOST: a\r\nUSER-AGENT:\t b c \r\nContent-Length: 2\r\nConnection: Close\r\n\r\nhi';
    expect(parseLeanHead(Buffer.from(text, 'latin1'))).toEqual(
      parseLeanHead(Buffer.from(text, 'latin1'), false),
    );
    expect(parseLeanHead(Buffer.from(text, 'latin1'))).toMatchObject({
      rawHeaders: ['hOST', 'a', 'USER-AGENT', 'b c', 'Content-Length', '2', 'Connection', 'Close'],
      headers: { host: 'a', 'user-agent': 'b c', 'content-length': '2', connection: 'Close' },
      contentLength: 2,
      keepAlive: false,
    });
  });
});
