import { describe, expect, it } from 'vitest';
import { parsePortSpec } from './port-forward.js';

describe('port-forward port specs', () => {
  it.each([
    ['8080:80', { local: 8080, remote: '80' }],
    [':80', { local: 0, remote: '80' }],
    ['80', { local: 80, remote: '80' }],
    ['8080:http', { local: 8080, remote: 'http' }],
  ])('%s', (text, want) => {
    expect(parsePortSpec(text)).toEqual(want);
  });

  it.each([
    ['8080:', 'error parsing remote port "" of "8080:": a port number or name'],
    ['x:80', 'error parsing local port "x" of "x:80": a port number'],
    ['8080:0', 'error parsing remote port "0" of "8080:0": from 1 to 65535'],
    ['8080:Http_1', 'error parsing remote port "Http_1" of "8080:Http_1": a port number or name'],
  ])('refuses %s with the part named', (text, message) => {
    expect(() => parsePortSpec(text)).toThrow(message);
  });
});
