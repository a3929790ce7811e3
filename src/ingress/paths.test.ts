import { describe, expect, it } from 'vitest';
import {
  elementPrefixMatch,
  normalisePath,
  parseRequestTarget,
  rewriteTarget,
  strictPathTypeError,
} from './paths.js';

describe('normalisePath (nginx $uri without percent-decoding)', () => {
  it.each([
    { path: '/', want: '/' },
    { path: '/a/b', want: '/a/b' },
    { path: '//a///b', want: '/a/b' },
    { path: '/a/./b', want: '/a/b' },
    { path: '/a/b/..', want: '/a/' },
    { path: '/a/b/../c', want: '/a/c' },
    { path: '/a/.', want: '/a/' },
    { path: '/a/', want: '/a/' },
    { path: '/..', want: undefined },
    { path: '/a/../../b', want: undefined },
    { path: 'a/b', want: undefined },
    { path: '/a%2Fb', want: '/a%2Fb' },
  ])('$path → $want', ({ path, want }) => {
    expect(normalisePath(path)).toBe(want);
  });
});

describe('parseRequestTarget', () => {
  it.each([
    {
      target: '/cart?id=1',
      want: { uri: '/cart', rawPath: '/cart', query: 'id=1', requestUri: '/cart?id=1' },
    },
    { target: '/cart', want: { uri: '/cart', rawPath: '/cart', query: undefined, requestUri: '/cart' } },
    {
      target: 'http://shop.example.com/x/../y?q',
      want: {
        uri: '/y',
        rawPath: '/x/../y',
        query: 'q',
        authority: 'shop.example.com',
        requestUri: '/x/../y?q',
      },
    },
    {
      target: 'http://shop.example.com',
      want: { uri: '/', rawPath: '/', query: undefined, authority: 'shop.example.com', requestUri: '/' },
    },
    {
      target: 'HTTP://Shop.example.com:8080?a=1',
      want: { uri: '/', rawPath: '/', query: 'a=1', authority: 'Shop.example.com:8080', requestUri: '/?a=1' },
    },
    { target: '/a#frag', want: { uri: '/a', rawPath: '/a', query: undefined, requestUri: '/a#frag' } },
  ])('$target', ({ target, want }) => {
    expect(parseRequestTarget(target)).toEqual({ authority: undefined, ...want });
  });

  // nginx's ngx_http_parse_complex_uri: a `%` needs two hex digits and must not decode to NUL.
  it.each([
    { target: '/foo%zz', valid: false },
    { target: '/foo%2', valid: false },
    { target: '/foo%', valid: false },
    { target: '/%g0/x', valid: false },
    { target: '/a%00b', valid: false },
    { target: 'http://h/foo%zz', valid: false },
    { target: '/foo%2Fbar', valid: true },
    { target: '/caf%C3%A9', valid: true },
    { target: '/a%20b%7e', valid: true },
    { target: '/foo?x=%zz', valid: true },
    { target: '/foo#%zz', valid: true },
  ])('$target: escapes valid → $valid', ({ target, valid }) => {
    expect(parseRequestTarget(target).uri !== undefined).toBe(valid);
  });
});

describe('elementPrefixMatch (the Ingress spec Prefix)', () => {
  it.each([
    { rule: '/', uri: '/anything', want: true },
    { rule: '/foo', uri: '/foo', want: true },
    { rule: '/foo', uri: '/foo/', want: true },
    { rule: '/foo/', uri: '/foo', want: true },
    { rule: '/foo', uri: '/foobar', want: false },
    { rule: '/aaa/bb', uri: '/aaa/bbb', want: false },
    { rule: '/aaa/bbb', uri: '/aaa/bbb/ccc', want: true },
    { rule: '/foo', uri: '/FOO', want: false },
  ])('$rule vs $uri → $want', ({ rule, uri, want }) => {
    expect(elementPrefixMatch(rule, uri)).toBe(want);
  });
});

describe('rewriteTarget (nginx rewrite "(?i)<path>" <target> break)', () => {
  it.each([
    { path: '/something(/|$)(.*)', target: '/$2', uri: '/something', query: undefined, want: '/' },
    { path: '/something(/|$)(.*)', target: '/$2', uri: '/something/new', query: 'a=1', want: '/new?a=1' },
    { path: '/SOMETHING(/|$)(.*)', target: '/$2', uri: '/something/x', query: undefined, want: '/x' },
    { path: '/foo.+', target: '/new/backend', uri: '/foo/bar', query: undefined, want: '/new/backend' },
    {
      path: '/api(/|$)(.*)',
      target: '/v2/$2?src=ing',
      uri: '/api/users',
      query: 'page=2',
      want: '/v2/users?src=ing&page=2',
    },
    { path: '/api(/|$)(.*)', target: '/$2?', uri: '/api/users', query: 'page=2', want: '/users' },
    { path: '/nomatch', target: '/x', uri: '/other', query: undefined, want: undefined },
    { path: '/bad[', target: '/x', uri: '/bad[', query: undefined, want: undefined },
  ])('$path → $target on $uri', ({ path, target, uri, query, want }) => {
    expect(rewriteTarget(path, target, uri, query)).toBe(want);
  });
});

describe('strictPathTypeError (strict-validate-path-type)', () => {
  it.each([
    { path: '/foo/bar-baz_1.2', type: 'Prefix', want: undefined },
    { path: '/id/[0-9]+', type: 'Prefix', want: 'path /id/[0-9]+ cannot be used with pathType Prefix' },
    { path: '/a(b)', type: 'Exact', want: 'path /a(b) cannot be used with pathType Exact' },
    { path: '/id/[0-9]+', type: 'ImplementationSpecific', want: undefined },
    { path: '', type: 'Prefix', want: undefined },
  ])('$path ($type)', ({ path, type, want }) => {
    expect(strictPathTypeError(path, type)).toBe(want);
  });
});
