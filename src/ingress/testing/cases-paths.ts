/**
 * Path matching cases: the Examples table of the Ingress documentation
 * (reference §1.4, copied row by row) and ingress-nginx's rendering of it
 * (`location "/foo/"` + `location = "/foo"`, the 301 for a Prefix ending in `/`,
 * Exact beating any Prefix, ImplementationSpecific as Prefix).
 */
import { ingress, type PathInput, rule } from './fixtures.js';
import type { CaseRequest, IngressCase, Observed } from './run-cases.js';

export const HOST = 'example.com';

/** A proxied answer from `service`'s pod, which saw `path` (the request path by default). */
export function ok(service: string, path?: string): Observed {
  return path === undefined ? { status: 200, service } : { status: 200, service, path };
}

export const NOT_FOUND: Observed = { status: 404 };

/** A GET of `path` on `host`. */
export function get(path: string, want: Observed, host: string = HOST): CaseRequest {
  return { host, path, want };
}

/** nginx's 301 to the path with a trailing slash. */
export function slashRedirect(path: string, host: string = HOST): Observed {
  return { status: 301, location: `http://${host}${path}/` };
}

/** A case with one Ingress `web` on `example.com`. */
export function single(
  name: string,
  paths: readonly PathInput[],
  requests: readonly CaseRequest[],
): IngressCase {
  return { name, ingresses: [ingress('web', { rules: [rule(HOST, ...paths)] })], requests };
}

export const PATH_TABLE_CASES: readonly IngressCase[] = [
  single(
    'docs: Prefix / matches all paths',
    [['/', 'Prefix', 'root']],
    [get('/', ok('root')), get('/anything/at/all', ok('root', '/anything/at/all'))],
  ),
  single('docs: Exact /foo matches /foo', [['/foo', 'Exact', 'foo']], [get('/foo', ok('foo', '/foo'))]),
  single('docs: Exact /foo does not match /bar', [['/foo', 'Exact', 'foo']], [get('/bar', NOT_FOUND)]),
  single('docs: Exact /foo does not match /foo/', [['/foo', 'Exact', 'foo']], [get('/foo/', NOT_FOUND)]),
  single(
    'docs: Exact /foo/ does not match /foo (nginx answers 301 to /foo/, which matches)',
    [['/foo/', 'Exact', 'foo']],
    [get('/foo', slashRedirect('/foo')), get('/foo/', ok('foo', '/foo/'))],
  ),
  single(
    'docs: Prefix /foo matches /foo and /foo/',
    [['/foo', 'Prefix', 'foo']],
    [get('/foo', ok('foo', '/foo')), get('/foo/', ok('foo', '/foo/'))],
  ),
  single(
    'docs: Prefix /foo/ matches /foo/ (and /foo after nginx 301)',
    [['/foo/', 'Prefix', 'foo']],
    [get('/foo', slashRedirect('/foo')), get('/foo/', ok('foo', '/foo/'))],
  ),
  single(
    'docs: Prefix /aaa/bb does not match /aaa/bbb',
    [['/aaa/bb', 'Prefix', 'bb']],
    [get('/aaa/bbb', NOT_FOUND)],
  ),
  single(
    'docs: Prefix /aaa/bbb matches /aaa/bbb',
    [['/aaa/bbb', 'Prefix', 'bbb']],
    [get('/aaa/bbb', ok('bbb', '/aaa/bbb'))],
  ),
  single(
    'docs: Prefix /aaa/bbb/ matches /aaa/bbb, ignoring the trailing slash (after nginx 301)',
    [['/aaa/bbb/', 'Prefix', 'bbb']],
    [get('/aaa/bbb', slashRedirect('/aaa/bbb')), get('/aaa/bbb/', ok('bbb', '/aaa/bbb/'))],
  ),
  single(
    'docs: Prefix /aaa/bbb matches /aaa/bbb/ (trailing slash)',
    [['/aaa/bbb', 'Prefix', 'bbb']],
    [get('/aaa/bbb/', ok('bbb', '/aaa/bbb/'))],
  ),
  single(
    'docs: Prefix /aaa/bbb matches the subpath /aaa/bbb/ccc',
    [['/aaa/bbb', 'Prefix', 'bbb']],
    [get('/aaa/bbb/ccc', ok('bbb', '/aaa/bbb/ccc'))],
  ),
  single(
    'docs: Prefix /aaa/bbb does not match the string prefix /aaa/bbbxyz',
    [['/aaa/bbb', 'Prefix', 'bbb']],
    [get('/aaa/bbbxyz', NOT_FOUND)],
  ),
  single(
    'docs: Prefix /, /aaa: /aaa/ccc matches /aaa',
    [
      ['/', 'Prefix', 'root'],
      ['/aaa', 'Prefix', 'aaa'],
    ],
    [get('/aaa/ccc', ok('aaa'))],
  ),
  single(
    'docs: Prefix /, /aaa, /aaa/bbb: /aaa/bbb matches /aaa/bbb, /ccc matches /',
    [
      ['/', 'Prefix', 'root'],
      ['/aaa', 'Prefix', 'aaa'],
      ['/aaa/bbb', 'Prefix', 'bbb'],
    ],
    [get('/aaa/bbb', ok('bbb')), get('/ccc', ok('root')), get('/aaa/bbbb', ok('aaa'))],
  ),
  single(
    'docs: Prefix /aaa: /ccc uses the default backend',
    [['/aaa', 'Prefix', 'aaa']],
    [get('/ccc', NOT_FOUND)],
  ),
  single(
    'docs: Mixed /foo Prefix and /foo Exact: /foo prefers Exact',
    [
      ['/foo', 'Prefix', 'prefix'],
      ['/foo', 'Exact', 'exact'],
    ],
    [get('/foo', ok('exact')), get('/foo/bar', ok('prefix'))],
  ),
];

export const PATH_BEHAVIOUR_CASES: readonly IngressCase[] = [
  single('path matching is case-sensitive', [['/foo', 'Prefix', 'foo']], [get('/FOO', NOT_FOUND)]),
  single(
    'the query string takes no part in matching and reaches the pod',
    [['/foo', 'Exact', 'foo']],
    [get('/foo?x=1&y=2', ok('foo', '/foo?x=1&y=2'))],
  ),
  single(
    'ImplementationSpecific is Prefix in ingress-nginx (element-wise)',
    [['/foo', 'ImplementationSpecific', 'foo']],
    [get('/foo/bar', ok('foo')), get('/foo', ok('foo')), get('/foobar', NOT_FOUND)],
  ),
  single(
    'Exact /foo beats the longer Prefix /foo/ for /foo (nginx exact locations win outright)',
    [
      ['/foo/', 'Prefix', 'prefix'],
      ['/foo', 'Exact', 'exact'],
    ],
    [get('/foo', ok('exact')), get('/foo/x', ok('prefix'))],
  ),
  single(
    'dot-segments are resolved before matching, the pod sees the original path',
    [['/app', 'Prefix', 'app']],
    [get('/other/../app/x', ok('app', '/other/../app/x')), get('/static/./x', NOT_FOUND)],
  ),
  single(
    'duplicate slashes are merged before matching',
    [['/a/b', 'Exact', 'ab']],
    [get('//a//b', ok('ab', '//a//b'))],
  ),
  single(
    'a path climbing above / is a 400',
    [['/', 'Prefix', 'root']],
    [get('/../etc/passwd', { status: 400 })],
  ),
  single('an empty path is Prefix /', [['', 'Prefix', 'root']], [get('/x', ok('root'))]),
  single(
    'a Prefix / replaces the host fallback; an Exact / sits beside it',
    [
      ['/', 'Exact', 'exact-root'],
      ['/', 'Prefix', 'root'],
    ],
    [get('/', ok('exact-root')), get('/x', ok('root'))],
  ),
];
