import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ResponseHead, ResponseParser } from './response-parser.js';

interface Outcome {
  head?: ResponseHead;
  body: string;
  ended: boolean;
  leftover: string;
  error?: string;
}

function parse(chunks: readonly string[], noBody = false, end = false): Outcome {
  const out: Outcome = { body: '', ended: false, leftover: '' };
  const p = new ResponseParser({
    onHead: (h) => {
      out.head = h;
    },
    onBody: (c) => {
      out.body += c.toString('latin1');
    },
    onEnd: (l) => {
      out.ended = true;
      out.leftover = l.toString('latin1');
    },
    onError: (m) => {
      out.error = m;
    },
  });
  p.expect(noBody);
  for (const c of chunks) p.feed(Buffer.from(c, 'latin1'));
  if (end) p.end();
  return out;
}

describe('ResponseParser', () => {
  it('reuses the parsed head while a connection repeats the same head bytes, parses anew when they change', () => {
    const heads: ResponseHead[] = [];
    const p = new ResponseParser({
      onHead: (h) => heads.push(h),
      onBody: () => {},
      onEnd: () => {},
      onError: (m) => {
        throw new Error(m);
      },
    });
    const answer = (date: string, len: number) =>
      Buffer.from(`HTTP/1.1 200 OK\r\nDate: ${date}\r\nContent-Length: ${len}\r\n\r\n${'x'.repeat(len)}`);
    for (const [date, len] of [
      ['Sun, 22 Nov 2026 01:00:00 GMT', 2],
      ['Sun, 22 Nov 2026 01:00:00 GMT', 2],
      ['Sun, 22 Nov 2026 01:00:01 GMT', 2],
      ['Sun, 22 Nov 2026 01:00:01 GMT', 3],
    ] as const) {
      p.expect(false);
      p.feed(answer(date, len));
    }
    expect(heads[1]).toBe(heads[0]);
    expect(heads[2]).not.toBe(heads[1]);
    expect(heads[2]?.headers[0]).toEqual(['Date', 'Sun, 22 Nov 2026 01:00:01 GMT']);
    expect(heads[3]?.contentLength).toBe(3);
  });

  it.each([
    ["HTTP/1.1 418 I'm a teapot", 418, "I'm a teapot", "HTTP/1.1 418 I'm a teapot"],
    ['HTTP/1.1 200 OK', 200, 'OK', 'HTTP/1.1 200 OK'],
    ['HTTP/1.0 404 Nope', 404, 'Nope', 'HTTP/1.1 404 Nope'],
    ['HTTP/1.1 599 ', 599, '', 'HTTP/1.1 599 '],
    ['HTTP/1.1 204', 204, '', 'HTTP/1.1 204'],
  ])('keeps the status line %j for the client (nginx status_line)', (line, status, reason, statusLine) => {
    const o = parse([`${line}\r\nContent-Length: 0\r\n\r\n`]);
    expect(o.head).toMatchObject({ status, reason, statusLine });
  });

  it('reads a Content-Length body split across chunks', () => {
    const o = parse(['HTTP/1.1 200 OK\r\nContent-Le', 'ngth: 5\r\nX-A: b\r\n\r\nhe', 'llo']);
    expect(o.head).toMatchObject({
      status: 200,
      reason: 'OK',
      contentLength: 5,
      chunked: false,
      close: false,
    });
    expect(o.head?.headers).toEqual([
      ['Content-Length', '5'],
      ['X-A', 'b'],
    ]);
    expect(o).toMatchObject({ body: 'hello', ended: true, leftover: '' });
  });

  it('decodes chunked bodies with extensions and trailers', () => {
    const o = parse([
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel',
      'lo\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n',
    ]);
    expect(o).toMatchObject({ body: 'hello world', ended: true });
  });

  it('reads a close-delimited body until the connection ends', () => {
    const o = parse(['HTTP/1.0 200 OK\r\n\r\nabc', 'def'], false, true);
    expect(o.head).toMatchObject({ httpVersion: '1.0', close: true });
    expect(o).toMatchObject({ body: 'abcdef', ended: true });
  });

  it.each([
    { name: 'HEAD', chunks: ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'], noBody: true },
    { name: '204', chunks: ['HTTP/1.1 204 No Content\r\n\r\n'], noBody: false },
    { name: '304', chunks: ['HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n'], noBody: false },
  ])('$name responses have no body', ({ chunks, noBody }) => {
    expect(parse(chunks, noBody)).toMatchObject({ body: '', ended: true });
  });

  it('skips 100 Continue and keeps 101 leftovers for the upgraded stream', () => {
    expect(parse(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']).body).toBe(
      'ok',
    );
    const up = parse(['HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi']);
    expect(up).toMatchObject({ ended: true, leftover: '\x81\x02hi' });
  });

  it.each([
    {
      name: 'not HTTP',
      chunks: ['SSH-2.0-OpenSSH\r\n\r\n'],
      error: 'upstream sent no valid HTTP/1.0 header',
    },
    {
      name: 'bad header',
      chunks: ['HTTP/1.1 200 OK\r\nbroken\r\n\r\n'],
      error: 'upstream sent invalid header',
    },
    {
      name: 'two lengths',
      chunks: ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'],
      error: 'upstream sent invalid "Content-Length" header',
    },
    {
      name: 'bad chunk',
      chunks: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
      error: 'upstream sent invalid chunked response',
    },
    {
      name: 'huge head',
      chunks: [`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`],
      error: 'upstream sent too big header',
    },
  ])('reports $name', ({ chunks, error }) => {
    expect(parse(chunks).error).toBe(error);
  });

  it('reports a body cut short', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], false, true).error).toBe(
      'upstream prematurely closed connection while reading upstream',
    );
  });
});

/** Events of one response, as text. */
function events(
  p: ResponseParser,
  log: string[],
  response: Buffer,
  splits: readonly number[],
  end: boolean,
): void {
  p.expect(false);
  let at = 0;
  for (const s of [...splits].sort((a, b) => a - b)) {
    const cut = Math.min(s, response.length);
    if (cut > at) p.feed(response.subarray(at, cut));
    at = Math.max(at, cut);
  }
  if (at < response.length) p.feed(response.subarray(at));
  if (end) p.end();
  log.push('|');
}

function recorder(log: string[]): ResponseParser {
  return new ResponseParser({
    onHead: (h) => log.push(`head ${JSON.stringify(h)}`),
    onBody: (c) => log.push(`body ${c.toString('latin1')}`),
    onEnd: (l) => log.push(`end ${l.toString('latin1')}`),
    onError: (m) => log.push(`error ${m}`),
  });
}

describe('ResponseParser: a repeated head', () => {
  const HEAD_LINE = fc.constantFrom(
    'Date: Sun, 22 Nov 2026 01:00:00 GMT',
    'Date: Sun, 22 Nov 2026 01:00:01 GMT',
    'Content-Type: text/plain',
    'Content-Length: 2',
    'Content-Length: 3',
    'Connection: close',
    'X-A: \r',
    'X-B:',
  );
  const RESPONSE = fc
    .record({
      status: fc.constantFrom('200 OK', '204 No Content', '100 Continue'),
      lines: fc.array(HEAD_LINE, { maxLength: 4 }),
      body: fc.constantFrom('', 'ab', 'abc', '\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\n'),
    })
    .map(({ status, lines, body }) =>
      Buffer.from(`HTTP/1.1 ${status}\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n${body}`, 'latin1'),
    );

  it('gives the same events as a parser that has seen no head before (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(RESPONSE, fc.array(fc.nat(80), { maxLength: 3 }), fc.boolean()), {
          minLength: 1,
          maxLength: 6,
        }),
        (responses) => {
          const reused: string[] = [];
          const shared = recorder(reused);
          const fresh: string[] = [];
          for (const [response, splits, end] of responses) {
            events(shared, reused, response, splits, end);
            events(recorder(fresh), fresh, response, splits, end);
          }
          expect(reused).toEqual(fresh);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
