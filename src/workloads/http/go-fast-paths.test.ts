/**
 * The per-request shortcuts of the Go dialect (caches and fast paths that skip
 * work most requests do not need) give exactly what the straightforward
 * algorithms give: each is checked against a reference written out here.
 */
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goLogTime, httpDate } from '../go/format.js';
import { canonicalHeaderKey, type GoHeader, type GoRequest, toGoRequest } from './go-request.js';
import { GoResponseWriter, goMuxRedirectTarget } from './go-response.js';
import { detectContentType } from './sniff.js';
import { bodyAllowedForStatus, goStatusLine } from './status-text.js';

function referenceCanonical(key: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key)) return key;
  let upper = true;
  let out = '';
  for (const ch of key) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

function referenceMuxTarget(path: string, rawQuery: string): string | undefined {
  const parts: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  let clean = `/${parts.join('/')}`;
  if (path.endsWith('/') && clean !== '/') clean += '/';
  if (clean === path) return undefined;
  return rawQuery === '' ? clean : `${clean}?${rawQuery}`;
}

function goRequest(overrides: Partial<GoRequest>): GoRequest {
  return {
    method: 'GET',
    requestURI: '/',
    path: '/',
    rawQuery: '',
    proto: 'HTTP/1.1',
    http11: true,
    host: 'h',
    header: new Map(),
    remoteAddr: '10.0.0.1:1234',
    close: false,
    http10KeepAlive: false,
    chunked: false,
    ...overrides,
  };
}

/** The response head as the writer built it before the per-response copy of the header map was dropped. */
function referenceHead(
  req: GoRequest,
  code: number,
  handlerHeader: GoHeader,
  p: Buffer,
  now: number,
): { head: string; contentLength: number | undefined; close: boolean } {
  const header = new Map(handlerHeader);
  const isHead = req.method === 'HEAD';
  const explicitCL = header.get('Content-Length')?.[0];
  let contentLength: number | undefined = explicitCL === undefined ? undefined : Number(explicitCL);
  let setCL: number | undefined;
  if (bodyAllowedForStatus(code) && contentLength === undefined && (!isHead || p.length > 0)) {
    setCL = p.length;
    contentLength = p.length;
  }
  let connection = '';
  let close = false;
  if (req.http10KeepAlive && (isHead || contentLength !== undefined || !bodyAllowedForStatus(code))) {
    if (!header.has('Connection')) connection = 'keep-alive';
  } else if (!req.http11 || req.close) close = true;
  if (header.get('Connection')?.[0] === 'close') close = true;
  let contentType = '';
  if (bodyAllowedForStatus(code)) {
    if (!header.has('Content-Type') && !header.get('Content-Encoding')?.[0] && p.length > 0) {
      contentType = detectContentType(p);
    }
  } else {
    const suppressed =
      code === 304
        ? ['Content-Type', 'Content-Length', 'Transfer-Encoding']
        : ['Content-Length', 'Transfer-Encoding'];
    for (const k of suppressed) header.delete(k);
    contentLength = undefined;
  }
  let transferEncoding = '';
  if (isHead || !bodyAllowedForStatus(code)) header.delete('Transfer-Encoding');
  else if (contentLength !== undefined) header.delete('Transfer-Encoding');
  else if (req.http11) transferEncoding = 'chunked';
  else close = true;
  if (close && !(header.get('Connection') ?? []).some((v) => v.toLowerCase().includes('close'))) {
    header.delete('Connection');
    if (req.http11) connection = 'close';
  }
  const lines = [goStatusLine(code, req.http11)];
  for (const key of [...header.keys()].sort()) {
    for (const v of header.get(key) ?? []) lines.push(`${key}: ${v.replace(/[\r\n]+/g, ' ').trim()}`);
  }
  if (!header.has('Date')) lines.push(`Date: ${new Date(Math.floor(now / 1000) * 1000).toUTCString()}`);
  if (setCL !== undefined) lines.push(`Content-Length: ${setCL}`);
  if (contentType) lines.push(`Content-Type: ${contentType}`);
  if (connection) lines.push(`Connection: ${connection}`);
  if (transferEncoding) lines.push(`Transfer-Encoding: ${transferEncoding}`);
  return { head: lines.join('\r\n'), contentLength: isHead ? undefined : contentLength, close };
}

/** A `ServerResponse` stand-in that records what `writeExactHead` gives Node. */
function recordingResponse(): {
  res: ServerResponse;
  sent: { head?: string; contentLength?: number | undefined; close?: boolean };
} {
  const sent: { head?: string; contentLength?: number | undefined; close?: boolean } = {};
  const res = {
    sendDate: true,
    removeHeader() {},
    writeHead(_status: number, headers: Record<string, string | number>) {
      const cl = headers['Content-Length'];
      sent.contentLength = cl === undefined ? undefined : Number(cl);
      sent.close = headers.Connection === 'close';
    },
    set _header(text: string) {
      sent.head = text.replace(/\r\n\r\n$/, '');
    },
    write() {
      return true;
    },
    end() {},
  };
  return { res: res as unknown as ServerResponse, sent };
}

describe('Go dialect shortcuts', () => {
  it('canonicalHeaderKey: cached keys equal the canonical form, also past the cache bound', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 40 }), (keys) => {
        for (const k of [...keys, ...keys]) expect(canonicalHeaderKey(k)).toBe(referenceCanonical(k));
      }),
    );
    for (let i = 0; i < 1500; i++) expect(canonicalHeaderKey(`x-key-${i}`)).toBe(`X-Key-${i}`);
    expect(canonicalHeaderKey('x-forwarded-for')).toBe('X-Forwarded-For');
    expect(canonicalHeaderKey('bad key')).toBe('bad key');
  });

  it('goMuxRedirectTarget: the clean-path shortcut agrees with path cleaning', () => {
    const path = fc
      .array(fc.constantFrom('/', '.', '..', 'a', 'b.c', '.x', '%2F', '//'), { maxLength: 8 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(path, fc.constantFrom('', 'q=1'), (p, rawQuery) => {
        expect(goMuxRedirectTarget(goRequest({ path: p, rawQuery }))).toBe(referenceMuxTarget(p, rawQuery));
      }),
      { numRuns: 2000 },
    );
    expect(goMuxRedirectTarget(goRequest({ path: '/a/./b/' }))).toBe('/a/b/');
    expect(goMuxRedirectTarget(goRequest({ path: '/.hidden/x' }))).toBeUndefined();
  });

  it('detectContentType: the last-body cache never answers for different bytes', () => {
    const bodies = ['hello\n', '<html><body>', '<?xml version="1.0"?>', '\x00\x01binary', '%PDF-1.4', ''];
    const expected = ['text/plain; charset=utf-8', 'text/html; charset=utf-8', 'text/xml; charset=utf-8'];
    expected.push('application/octet-stream', 'application/pdf', 'text/plain; charset=utf-8');
    for (let round = 0; round < 3; round++) {
      bodies.forEach((b, i) => {
        expect(detectContentType(Buffer.from(b, 'latin1'))).toBe(expected[i]);
      });
    }
    // The cache keeps its own copy: a buffer changed in place is sniffed again.
    const buf = Buffer.from('plain text', 'latin1');
    expect(detectContentType(buf)).toBe('text/plain; charset=utf-8');
    buf.write('<html>', 0, 'latin1');
    expect(detectContentType(buf)).toBe('text/html; charset=utf-8');
  });

  it('httpDate and goLogTime: the per-second cache gives each instant its own second', () => {
    const instant = fc.integer({ min: 0, max: 4_102_444_800_000 });
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (times) => {
        for (const ms of times) {
          const d = new Date(Math.floor(ms / 1000) * 1000);
          expect(httpDate(ms)).toBe(d.toUTCString());
          const iso = d.toISOString();
          expect(goLogTime(ms)).toBe(`${iso.slice(0, 10).replace(/-/g, '/')} ${iso.slice(11, 19)}`);
        }
      }),
    );
  });

  it('toGoRequest: origin-form and absolute-form targets, escaped and plain paths', () => {
    const tuple = { protocol: 'TCP', srcIP: '10.0.0.1', srcPort: 5, dstIP: '10.0.0.2', dstPort: 80 } as const;
    const req = (url: string) =>
      ({
        url,
        method: 'GET',
        rawHeaders: ['Host', 'h'],
        httpVersionMajor: 1,
        httpVersionMinor: 1,
      }) as unknown as Parameters<typeof toGoRequest>[0];
    expect(toGoRequest(req('/a%20b?x=1'), tuple)).toMatchObject({ path: '/a b', rawQuery: 'x=1', host: 'h' });
    expect(toGoRequest(req('/a%zz'), tuple)).toMatchObject({ path: '/a%zz' });
    expect(toGoRequest(req('/plain'), tuple)).toMatchObject({ path: '/plain', requestURI: '/plain' });
    expect(toGoRequest(req('http://other:8080/p?q'), tuple)).toMatchObject({
      host: 'other:8080',
      path: '/p',
      rawQuery: 'q',
    });
  });

  it('the response head equals the one built from a copy of the header map', () => {
    const key = fc.constantFrom(
      'Content-Type',
      'Content-Length',
      'Transfer-Encoding',
      'Connection',
      'Content-Encoding',
      'Date',
      'X-App',
      'A-First',
    );
    const value = fc.constantFrom(
      'close',
      'keep-alive',
      'text/plain',
      '5',
      'chunked',
      'a\r\nb',
      ' v ',
      'gzip',
    );
    const header = fc.array(fc.tuple(key, fc.array(value, { minLength: 1, maxLength: 2 })), { maxLength: 5 });
    fc.assert(
      fc.property(
        header,
        fc.constantFrom(200, 204, 301, 304, 404, 101),
        fc.constantFrom('GET', 'HEAD', 'POST'),
        fc.record({ http11: fc.boolean(), close: fc.boolean(), http10KeepAlive: fc.boolean() }),
        fc.constantFrom('', 'hello\n', '<html>'),
        (entries, code, method, flags, body) => {
          const req = goRequest({
            method,
            ...flags,
            http10KeepAlive: !flags.http11 && flags.http10KeepAlive,
          });
          const now = 1_700_000_000_123;
          const { res, sent } = recordingResponse();
          const w = new GoResponseWriter(req, res, () => now);
          for (const [k, vs] of entries) w.header.set(k, [...vs]);
          const before = new Map([...w.header].map(([k, v]) => [k, [...v]]));
          w.writeHeader(code);
          if (body) w.write(body);
          w.finish();
          const p = bodyAllowedForStatus(code) ? Buffer.from(body) : Buffer.alloc(0);
          const want = referenceHead(req, code, before, p, now);
          expect(sent).toEqual({ head: want.head, contentLength: want.contentLength, close: want.close });
          // The handler's own header map is left as the handler set it.
          expect(w.header).toEqual(before);
        },
      ),
      { numRuns: 500 },
    );
  });
});
