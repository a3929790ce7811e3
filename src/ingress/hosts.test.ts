import { describe, expect, it } from 'vitest';
import { normaliseHost, wildcardKey } from './hosts.js';

describe('normaliseHost (nginx ngx_http_validate_host)', () => {
  it.each([
    { header: 'Shop.Example.COM', want: { valid: true, host: 'shop.example.com' } },
    { header: 'shop.example.com:30080', want: { valid: true, host: 'shop.example.com' } },
    { header: 'shop.example.com.', want: { valid: true, host: 'shop.example.com' } },
    { header: '127.0.10.2:30080', want: { valid: true, host: '127.0.10.2' } },
    { header: '[::1]:8080', want: { valid: true, host: '[::1]' } },
    { header: undefined, want: { valid: true, host: '' } },
    { header: 'bad/host', want: { valid: false } },
    { header: 'a..b', want: { valid: false } },
    { header: '.a.b', want: { valid: false } },
    { header: 'a.b:port', want: { valid: false } },
  ])('$header', ({ header, want }) => {
    expect(normaliseHost(header)).toEqual(want);
  });

  it('answers a repeated header from its one-entry cache, and each new header afresh', () => {
    const headers = ['A.example.com:80', 'a.example.com', 'bad/host', 'A.example.com:80', '', 'bad/host'];
    const want = [
      { valid: true, host: 'a.example.com' },
      { valid: true, host: 'a.example.com' },
      { valid: false },
      { valid: true, host: 'a.example.com' },
      { valid: true, host: '' },
      { valid: false },
    ];
    for (let round = 0; round < 2; round++)
      headers.forEach((h, i) => {
        expect(normaliseHost(h)).toEqual(want[i]);
        expect(normaliseHost(h)).toEqual(want[i]);
      });
  });
});

describe('wildcardKey (single label of [\\w-])', () => {
  it.each([
    { host: 'bar.foo.com', want: '*.foo.com' },
    { host: 'my-app_1.foo.com', want: '*.foo.com' },
    { host: 'foo', want: undefined },
    { host: '.foo.com', want: undefined },
  ])('$host → $want', ({ host, want }) => {
    expect(wildcardKey(host)).toBe(want);
  });
});
