/**
 * Annotation cases (reference §3): `use-regex` and its contagion,
 * `rewrite-target` with capture groups, `app-root`, redirect annotations and
 * HTTPS redirects.
 */

import { get, HOST, NOT_FOUND, ok } from './cases-paths.js';
import { ingress, rule } from './fixtures.js';
import type { IngressCase } from './run-cases.js';

/** `nginx.ingress.kubernetes.io/<key>: value` pairs. */
export function nginx(pairs: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(pairs)) out[`nginx.ingress.kubernetes.io/${k}`] = v;
  return out;
}

export const REGEX_CASES: readonly IngressCase[] = [
  {
    name: 'use-regex: /id/[0-9]+ matches /id/1 and /id/123a, not /id/aaa; case-insensitive',
    ingresses: [
      ingress(
        'ids',
        { rules: [rule(HOST, ['/id/[0-9]+', 'ImplementationSpecific', 'ids'])] },
        {
          annotations: nginx({ 'use-regex': 'true' }),
        },
      ),
    ],
    requests: [
      get('/id/1', ok('ids')),
      get('/id/123a', ok('ids')),
      get('/id/aaa', NOT_FOUND),
      get('/ID/7', ok('ids')),
    ],
  },
  {
    name: 'use-regex: an anchored regex /id/[0-9]+$ no longer matches /id/123a',
    ingresses: [
      ingress(
        'ids',
        { rules: [rule(HOST, ['/id/[0-9]+$', 'ImplementationSpecific', 'ids'])] },
        {
          annotations: nginx({ 'use-regex': 'true' }),
        },
      ),
    ],
    requests: [get('/id/123', ok('ids')), get('/id/123a', NOT_FOUND)],
  },
  {
    name: 'regex contagion: every path of the host becomes a case-insensitive regex',
    ingresses: [
      ingress(
        'regex',
        { rules: [rule(HOST, ['/foo.+', 'ImplementationSpecific', 'foo'])] },
        {
          annotations: nginx({ 'use-regex': 'true' }),
        },
      ),
      ingress(
        'plain',
        { rules: [rule(HOST, ['/bar', 'Prefix', 'bar'], ['/baz', 'Exact', 'baz'])] },
        { age: 5 },
      ),
    ],
    requests: [
      get('/BAR', ok('bar')),
      get('/barista', ok('bar')),
      get('/baz/qux', ok('baz')),
      get('/foox', ok('foo')),
    ],
  },
  {
    name: 'regex locations are first-match in length order: /foo/bar/[A-Z0-9]{3} beats /foo/bar/bar',
    ingresses: [
      ingress(
        'ord',
        {
          rules: [
            rule(
              HOST,
              ['/foo/bar/bar', 'ImplementationSpecific', 'literal'],
              ['/foo/bar/[A-Z0-9]{3}', 'ImplementationSpecific', 'pattern'],
            ),
          ],
        },
        { annotations: nginx({ 'use-regex': 'true' }) },
      ),
    ],
    requests: [get('/foo/bar/bar', ok('pattern'))],
  },
  {
    name: 'a regex path without use-regex is a literal prefix',
    ingresses: [ingress('lit', { rules: [rule(HOST, ['/id/[0-9]+', 'ImplementationSpecific', 'lit'])] })],
    requests: [get('/id/123', NOT_FOUND), get('/id/[0-9]+', ok('lit'))],
  },
];

export const REWRITE_CASES: readonly IngressCase[] = [
  {
    name: 'rewrite-target /$2 with /something(/|$)(.*)',
    ingresses: [
      ingress(
        'rw',
        { rules: [rule(HOST, ['/something(/|$)(.*)', 'ImplementationSpecific', 'app'])] },
        {
          annotations: nginx({ 'use-regex': 'true', 'rewrite-target': '/$2' }),
        },
      ),
    ],
    requests: [
      get('/something', ok('app', '/')),
      get('/something/', ok('app', '/')),
      get('/something/new', ok('app', '/new')),
      get('/something/new?q=1', ok('app', '/new?q=1')),
    ],
  },
  {
    name: 'rewrite-target without capture groups sends every request to the fixed target',
    ingresses: [
      ingress(
        'rw',
        { rules: [rule(HOST, ['/foo.+', 'ImplementationSpecific', 'app'])] },
        {
          annotations: nginx({ 'rewrite-target': '/new/backend' }),
        },
      ),
    ],
    requests: [get('/foo/bar', ok('app', '/new/backend'))],
  },
  {
    name: 'app-root redirects / with 302 and leaves other paths alone',
    ingresses: [
      ingress(
        'root',
        { rules: [rule(HOST, ['/', 'Prefix', 'app'])] },
        { annotations: nginx({ 'app-root': '/app1' }) },
      ),
    ],
    requests: [get('/', { status: 302, location: `http://${HOST}/app1` }), get('/app1', ok('app', '/app1'))],
  },
  {
    name: 'permanent-redirect answers 301 to the URL; temporal-redirect 302',
    ingresses: [
      ingress(
        'p',
        { rules: [rule('p.test', ['/', 'Prefix', 'app'])] },
        {
          annotations: nginx({ 'permanent-redirect': 'https://www.example.org/new' }),
        },
      ),
      ingress(
        't',
        { rules: [rule('t.test', ['/', 'Prefix', 'app'])] },
        {
          annotations: nginx({ 'temporal-redirect': 'https://www.example.org/tmp' }),
        },
      ),
    ],
    requests: [
      get('/x', { status: 301, location: 'https://www.example.org/new' }, 'p.test'),
      get('/x', { status: 302, location: 'https://www.example.org/tmp' }, 't.test'),
    ],
  },
];

const SECRET = { name: 'web-tls', hosts: [HOST] };

export const TLS_REDIRECT_CASES: readonly IngressCase[] = [
  {
    name: 'a host with TLS redirects HTTP to HTTPS with 308, dropping a trailing slash',
    ingresses: [
      ingress('tls', {
        rules: [rule(HOST, ['/', 'Prefix', 'app'])],
        tls: [{ hosts: [HOST], secretName: 'web-tls' }],
      }),
    ],
    tlsSecrets: [SECRET],
    requests: [
      get('/', { status: 308, location: `https://${HOST}` }),
      get('/cart/?x=1', { status: 308, location: `https://${HOST}/cart/?x=1` }),
      get('/cart/', { status: 308, location: `https://${HOST}/cart` }),
      { host: HOST, path: '/cart', scheme: 'https', want: ok('app', '/cart') },
    ],
  },
  {
    name: 'ssl-redirect "false" keeps HTTP',
    ingresses: [
      ingress(
        'tls',
        { rules: [rule(HOST, ['/', 'Prefix', 'app'])], tls: [{ hosts: [HOST], secretName: 'web-tls' }] },
        {
          annotations: nginx({ 'ssl-redirect': 'false' }),
        },
      ),
    ],
    tlsSecrets: [SECRET],
    requests: [get('/', ok('app'))],
  },
  {
    name: 'a tls section without secretName still redirects (default certificate)',
    ingresses: [ingress('tls', { rules: [rule(HOST, ['/', 'Prefix', 'app'])], tls: [{ hosts: [HOST] }] })],
    requests: [get('/a', { status: 308, location: `https://${HOST}/a` })],
  },
  {
    name: 'force-ssl-redirect redirects without any certificate; the port is dropped',
    ingresses: [
      ingress(
        'f',
        { rules: [rule(HOST, ['/', 'Prefix', 'app'])] },
        { annotations: nginx({ 'force-ssl-redirect': 'true' }) },
      ),
    ],
    requests: [get('/a', { status: 308, location: `https://${HOST}/a` }, `${HOST}:30080`)],
  },
];
