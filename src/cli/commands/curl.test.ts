import { describe, expect, it } from 'vitest';
import { curlExit } from './curl.js';

describe('netkube curl transport failures, as curl reports them', () => {
  it.each([
    ["(7) Failed to connect to 10.96.0.20 port 80 after 0 ms: Couldn't connect to server", 7],
    ['(6) Could not resolve host: web', 6],
    ['SSL certificate problem: self-signed certificate', 60],
    ['Operation timed out after 2000 milliseconds', 28],
    ['10.244.1.5 is a cluster address the laptop cannot reach: use --from pod/NAME', 7],
  ])('%s → exit %d', (message, code) => {
    const got = curlExit(message);
    expect(got.code).toBe(code);
    expect(got.text).toBe(message.startsWith('(') ? message : `(${code}) ${message}`);
  });
});
