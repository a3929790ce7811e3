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
    // nginx 1.25.5 ngx_http_validate_host, case by case.
    { header: '', want: { valid: false } },
    { header: '.', want: { valid: false } },
    { header: ':80', want: { valid: false } },
    { header: '.:80', want: { valid: false } },
    { header: '[]', want: { valid: true, host: '[]' } },
    { header: '.a.b', want: { valid: true, host: '.a.b' } },
    { header: 'a.b:port', want: { valid: true, host: 'a.b' } },
    { header: 'h.test:abc', want: { valid: true, host: 'h.test' } },
    { header: 'h.test.:80', want: { valid: true, host: 'h.test' } },
    { header: 'h.test..', want: { valid: false } },
    { header: 'h.test:8..0', want: { valid: false } },
    { header: 'h.test:8/0', want: { valid: false } },
    { header: 'h.test:8 0', want: { valid: false } },
    { header: 'a b', want: { valid: false } },
    { header: 'a\tb', want: { valid: false } },
    { header: 'a\u0000b', want: { valid: false } },
    { header: 'a\u007fb', want: { valid: false } },
    { header: 'a\\b', want: { valid: true, host: 'a\\b' } },
    { header: 'A\u00c9.test', want: { valid: true, host: 'a\u00c9.test' } },
    { header: '[::1', want: { valid: true, host: '[::1' } },
    { header: '[::1]x', want: { valid: true, host: '[::1]' } },
    { header: '[::1]:x:y', want: { valid: true, host: '[::1]' } },
    { header: 'a[b]:1', want: { valid: true, host: 'a[b]' } },
    { header: '[A::1].', want: { valid: true, host: '[a::1]' } },
    { header: 'x:[y]', want: { valid: true, host: 'x' } },
  ])('$header', ({ header, want }) => {
    expect(normaliseHost(header)).toEqual(want);
  });

  it('answers a repeated header from its one-entry cache, and each new header afresh', () => {
    const headers = [
      'A.example.com:80',
      'a.example.com',
      'bad/host',
      'A.example.com:80',
      undefined,
      'bad/host',
    ];
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
