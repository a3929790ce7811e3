import { describe, expect, it } from 'vitest';
import { formatAccessLog, seconds, timeLocal } from './access-log.js';

describe('access log (log-format-upstream)', () => {
  it('formats a proxied request as ingress-nginx does', () => {
    const line = formatAccessLog({
      remoteAddr: '127.0.10.1',
      timeMs: Date.UTC(2026, 10, 22, 1, 20, 3, 250),
      method: 'GET',
      target: '/foo?x=1',
      httpVersion: '1.1',
      status: 200,
      bodyBytesSent: 615,
      referer: undefined,
      userAgent: 'curl/8.5.0',
      requestLength: 86,
      requestMs: 3,
      upstreamName: 'default-foo-service-8080',
      alternativeName: '',
      attempts: [{ addr: '10.244.1.5:8080', status: 200, responseLength: 615, responseMs: 2 }],
      requestId: '7d0d1c5a5f0e4d6e9a2b3c4d5e6f7a8b',
    });
    expect(line).toBe(
      '127.0.10.1 - - [22/Nov/2026:01:20:03 +0000] "GET /foo?x=1 HTTP/1.1" 200 615 "-" "curl/8.5.0" 86 0.003 [default-foo-service-8080] [] 10.244.1.5:8080 615 0.002 200 7d0d1c5a5f0e4d6e9a2b3c4d5e6f7a8b',
    );
  });

  it('lists every upstream attempt and escapes quotes', () => {
    const line = formatAccessLog({
      remoteAddr: '1.2.3.4',
      timeMs: 0,
      method: 'POST',
      target: '/',
      httpVersion: '1.1',
      status: 502,
      bodyBytesSent: 150,
      referer: 'http://x/"y"',
      userAgent: undefined,
      requestLength: 10,
      requestMs: 1500,
      upstreamName: 'default-web-80',
      alternativeName: 'default-web-canary-80',
      attempts: [
        { addr: '10.0.0.1:80', status: 502, responseLength: 0, responseMs: 1 },
        { addr: '10.0.0.2:80', status: 504, responseLength: 0, responseMs: 1000 },
      ],
      requestId: 'r',
    });
    expect(line).toBe(
      '1.2.3.4 - - [01/Jan/1970:00:00:00 +0000] "POST / HTTP/1.1" 502 150 "http://x/\\x22y\\x22" "-" 10 1.500 [default-web-80] [default-web-canary-80] 10.0.0.1:80, 10.0.0.2:80 0, 0 0.001, 1.000 502, 504 r',
    );
  });

  it('helpers', () => {
    expect(timeLocal(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('02/Jan/2026:03:04:05 +0000');
    expect(seconds(1234)).toBe('1.234');
  });

  it('seconds() reads like toFixed(3) for every value (table for whole ms under a second)', () => {
    for (const ms of [...Array.from({ length: 2100 }, (_, i) => i - 50), 0.4, 0.5, 999.5, 1e9, -0])
      expect(seconds(ms), String(ms)).toBe((Math.max(0, ms) / 1000).toFixed(3));
  });
});
