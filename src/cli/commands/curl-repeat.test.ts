import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { parseMaxTime, parseRepeat } from './curl.js';
import {
  type CurlOutcome,
  formatCurlSummary,
  isFailure,
  outcomeLine,
  repeatCurl,
  summariseCurls,
} from './curl-repeat.js';

const ok = (body: string, status = 200): CurlOutcome => ({ kind: 'response', status, body });
const err = (message: string): CurlOutcome => ({ kind: 'error', message });

describe('summariseCurls', () => {
  it('counts a rollout with no failure, naming the first and last answer', () => {
    const s = summariseCurls([ok('web-aaa-1\n'), ok('web-aaa-2\n'), ok('web-bbb-1\n')]);
    expect(s).toMatchObject({ sent: 3, succeeded: 3, failed: 0, statuses: [{ status: 200, count: 3 }] });
    expect(formatCurlSummary(s)).toBe(
      '3 requests: 3 succeeded, 0 failed\n  3 × 200 OK\nfirst response: web-aaa-1\nlast response:  web-bbb-1\n',
    );
  });

  it('counts statuses of 400 and more and transport errors as failures (curl --fail)', () => {
    const s = summariseCurls([
      ok('a'),
      err('Operation timed out after 2000 milliseconds'),
      ok('<html>503</html>', 503),
      ok('moved', 301),
      err('Operation timed out after 2000 milliseconds'),
      err('connect ECONNREFUSED 127.0.10.3:30080'),
      err("(7) Failed to connect to 10.96.0.20 port 80 after 0 ms: Couldn't connect to server"),
      err("(7) Failed to connect to 10.96.0.20 port 80 after 2 ms: Couldn't connect to server"),
    ]);
    expect(s.sent).toBe(8);
    expect(s.succeeded).toBe(2);
    expect(s.failed).toBe(6);
    expect(formatCurlSummary(s)).toBe(
      [
        '8 requests: 2 succeeded, 6 failed',
        '  1 × 200 OK',
        '  1 × 301 Moved Permanently',
        '  1 × 503 Service Unavailable',
        '  2 × Operation timed out after 2000 milliseconds',
        '  1 × connect ECONNREFUSED 127.0.10.3:30080',
        "  2 × (7) Failed to connect to 10.96.0.20 port 80: Couldn't connect to server",
        'first response: a',
        "last response:  (failed) (7) Failed to connect to 10.96.0.20 port 80 after 2 ms: Couldn't connect to server",
        '',
      ].join('\n'),
    );
  });

  it.each([
    { o: ok('\n\nHostname: web-1\nIP: 10.244.0.5\n'), line: 'Hostname: web-1' },
    { o: ok('x'.repeat(150)), line: `${'x'.repeat(99)}…` },
    { o: ok('oops', 500), line: '(500) oops' },
    { o: ok(''), line: '' },
    { o: err('socket hang up'), line: '(failed) socket hang up' },
  ])('outcomeLine $line', ({ o, line }) => {
    expect(outcomeLine(o)).toBe(line);
  });

  it.each([
    { o: ok('', 200), failed: false },
    { o: ok('', 399), failed: false },
    { o: ok('', 400), failed: true },
    { o: err('x'), failed: true },
  ])('isFailure($o) is $failed', ({ o, failed }) => {
    expect(isFailure(o)).toBe(failed);
  });

  it('prints one request in the singular and nothing for none', () => {
    expect(formatCurlSummary(summariseCurls([ok('a')]))).toMatch(/^1 request: 1 succeeded, 0 failed\n/);
    expect(formatCurlSummary(summariseCurls([]))).toBe('0 requests: 0 succeeded, 0 failed\n');
  });
});

describe('repeatCurl', () => {
  it('sends count requests in order with the interval between them (not before the first)', async () => {
    const events: string[] = [];
    let n = 0;
    const out = await repeatCurl({
      count: 3,
      intervalMs: 250,
      send: async () => {
        events.push(`send ${++n}`);
        return ok(`r${n}`);
      },
      sleep: async (ms) => {
        events.push(`sleep ${ms}`);
      },
      signal: new AbortController().signal,
    });
    expect(events).toEqual(['send 1', 'sleep 250', 'send 2', 'sleep 250', 'send 3']);
    expect(out.map(outcomeLine)).toEqual(['r1', 'r2', 'r3']);
  });

  it('stops when cancelled and keeps what was sent', async () => {
    const abort = new AbortController();
    let n = 0;
    const out = await repeatCurl({
      count: 10,
      intervalMs: 0,
      send: async () => {
        if (++n === 2) abort.abort();
        return ok('r');
      },
      sleep: async () => {},
      signal: abort.signal,
    });
    expect(out).toHaveLength(2);
  });

  it('lets an error that is not a failed request end the run', async () => {
    await expect(
      repeatCurl({
        count: 3,
        intervalMs: 0,
        send: async () => {
          throw new Error('no emulator');
        },
        sleep: async () => {},
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow('no emulator');
  });
});

describe('curl flags', () => {
  it.each([
    { opts: {}, want: undefined },
    { opts: { count: '5' }, want: { count: 5, intervalMs: 0 } },
    { opts: { count: '60', interval: '250ms' }, want: { count: 60, intervalMs: 250 } },
    { opts: { count: '2', interval: '1.5s' }, want: { count: 2, intervalMs: 1500 } },
  ])('parseRepeat($opts)', ({ opts, want }) => {
    expect(parseRepeat(opts)).toEqual(want);
  });

  it.each([
    { opts: { interval: '1s' }, err: '--interval needs --count' },
    { opts: { count: '0' }, err: 'invalid argument "0" for "--count" flag' },
    { opts: { count: '2.5' }, err: 'invalid argument "2.5" for "--count" flag' },
    { opts: { count: '3', interval: 'soon' }, err: 'invalid argument "soon" for "--interval" flag' },
  ])('parseRepeat($opts) refuses', ({ opts, err: message }) => {
    expect(() => parseRepeat(opts)).toThrow(message);
  });

  it.each([
    { text: undefined, ms: undefined },
    { text: '2', ms: 2000 },
    { text: '0.5', ms: 500 },
  ])('parseMaxTime($text)', ({ text, ms }) => {
    expect(parseMaxTime(text)).toBe(ms);
  });

  it.each(['0', '-1', 'x', '61', ''])('parseMaxTime(%j) refuses', (text) => {
    expect(() => parseMaxTime(text)).toThrow('for "--max-time" flag');
  });

  it('refuses bad flags with exit 2 before contacting any emulator', async () => {
    let stderr = '';
    const code = await main(['curl', '--count', 'many', 'http://127.0.10.2:30080/'], {
      stdout: { write: () => {} },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: new PassThrough(),
      env: { NETKUBE_HOME: '/nonexistent/netkube-home' },
      cwd: process.cwd(),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('invalid argument "many" for "--count" flag');
  });
});
