/**
 * Host matching, default backends, 503s, precedence across Ingress objects
 * and class selection (reference §1.1, §1.5–§1.7).
 */

import { get, HOST, NOT_FOUND, ok } from './cases-paths.js';
import { ingress, ingressClass, rule } from './fixtures.js';
import type { IngressCase } from './run-cases.js';

const UNAVAILABLE = { status: 503 } as const;

export const HOST_CASES: readonly IngressCase[] = [
  {
    name: 'docs: *.foo.com matches bar.foo.com (shared suffix)',
    ingresses: [ingress('wild', { rules: [rule('*.foo.com', ['/', 'Prefix', 'wild'])] })],
    requests: [get('/', ok('wild'), 'bar.foo.com')],
  },
  {
    name: 'docs: *.foo.com does not match baz.bar.foo.com or foo.com (single label)',
    ingresses: [ingress('wild', { rules: [rule('*.foo.com', ['/', 'Prefix', 'wild'])] })],
    requests: [get('/', NOT_FOUND, 'baz.bar.foo.com'), get('/', NOT_FOUND, 'foo.com')],
  },
  {
    name: 'the Host header is case-insensitive and its port is ignored',
    ingresses: [ingress('shop', { rules: [rule('shop.example.com', ['/', 'Prefix', 'shop'])] })],
    requests: [get('/', ok('shop'), 'SHOP.Example.COM'), get('/', ok('shop'), 'shop.example.com:30080')],
  },
  {
    name: 'an exact host beats a wildcard host',
    ingresses: [
      ingress('wild', { rules: [rule('*.foo.com', ['/', 'Prefix', 'wild'])] }),
      ingress('bar', { rules: [rule('bar.foo.com', ['/', 'Prefix', 'bar'])] }),
    ],
    requests: [get('/', ok('bar'), 'bar.foo.com'), get('/', ok('wild'), 'x.foo.com')],
  },
  {
    name: 'a rule without host serves every unknown host',
    ingresses: [ingress('any', { rules: [rule(undefined, ['/app', 'Prefix', 'app'])] })],
    requests: [
      get('/app', ok('app'), 'whatever.test'),
      get('/app', ok('app'), '10.0.0.1'),
      get('/other', NOT_FOUND),
    ],
  },
  {
    name: 'a named host never falls through to host-less rules',
    ingresses: [
      ingress('named', { rules: [rule('foo.com', ['/a', 'Prefix', 'a'])] }),
      ingress('any', { rules: [rule(undefined, ['/b', 'Prefix', 'b'])] }),
    ],
    requests: [get('/b', NOT_FOUND, 'foo.com'), get('/b', ok('b'), 'bar.com')],
  },
  {
    name: 'an invalid Host header is a 400',
    ingresses: [ingress('any', { rules: [rule(undefined, ['/', 'Prefix', 'app'])] })],
    requests: [get('/', { status: 400 }, 'bad/host')],
  },
  {
    name: 'Host validation is nginx 1.25 ngx_http_validate_host: empty after the port and a trailing dot → 400',
    ingresses: [
      ingress('named', { rules: [rule('h.test', ['/', 'Prefix', 'named'])] }),
      ingress('any', { rules: [rule(undefined, ['/', 'Prefix', 'app'])] }),
    ],
    requests: [
      get('/', { status: 400 }, ''),
      get('/', { status: 400 }, '.'),
      get('/', { status: 400 }, ':80'),
      get('/', { status: 400 }, 'h..test'),
      get('/', ok('named'), 'h.test:abc'),
      get('/', ok('named'), 'H.Test.'),
      get('/', ok('app'), '.h.test'),
      get('/', ok('app'), 'a\\b'),
      get('/', ok('app'), '[::1'),
      get('/', ok('app'), '[::1]x'),
    ],
  },
];

export const DEFAULT_BACKEND_CASES: readonly IngressCase[] = [
  {
    name: 'an Ingress with only a defaultBackend serves every host and path',
    ingresses: [ingress('catch', { defaultBackend: 'fallback' })],
    requests: [get('/x', ok('fallback', '/x'), 'a.test'), get('/', ok('fallback'), 'b.test')],
  },
  {
    name: "unmatched paths on a host use its Ingress's defaultBackend",
    ingresses: [
      ingress('web', { defaultBackend: 'fallback', rules: [rule(HOST, ['/app', 'Prefix', 'app'])] }),
    ],
    requests: [get('/app', ok('app')), get('/other', ok('fallback'))],
  },
  {
    name: "a host created by an Ingress without defaultBackend does not use the catch-all's",
    ingresses: [
      ingress('catch', { defaultBackend: 'fallback' }),
      ingress('web', { rules: [rule(HOST, ['/app', 'Prefix', 'app'])] }, { age: 10 }),
    ],
    requests: [get('/other', NOT_FOUND), get('/other', ok('fallback'), 'unknown.test')],
  },
  {
    name: 'without any defaultBackend an unknown host gets the controller 404',
    ingresses: [ingress('web', { rules: [rule(HOST, ['/', 'Prefix', 'app'])] })],
    requests: [get('/', NOT_FOUND, 'unknown.test')],
  },
  {
    name: 'the oldest rule-less Ingress owns the catch-all',
    ingresses: [
      ingress('new', { defaultBackend: 'newer' }, { age: 20 }),
      ingress('old', { defaultBackend: 'older' }, { age: 10 }),
    ],
    requests: [get('/', ok('older'), 'unknown.test')],
  },
  {
    name: 'a Service without ready endpoints answers 503',
    ingresses: [ingress('web', { rules: [rule(HOST, ['/', 'Prefix', 'app'])] })],
    backends: { app: { notReady: true } },
    requests: [get('/', UNAVAILABLE)],
  },
  {
    name: 'a Service scaled to zero answers 503',
    ingresses: [ingress('web', { rules: [rule(HOST, ['/', 'Prefix', 'app'])] })],
    backends: { app: { replicas: 0 } },
    requests: [get('/', UNAVAILABLE)],
  },
  {
    name: 'a missing Service answers 503',
    ingresses: [ingress('web', { rules: [rule(HOST, ['/', 'Prefix', 'gone'])] })],
    backends: { gone: { missing: true } },
    requests: [get('/', UNAVAILABLE)],
  },
  {
    name: 'a Service port that does not exist answers 503',
    ingresses: [ingress('web', { rules: [rule(HOST, ['/', 'Prefix', 'app:8443'])] })],
    requests: [get('/', UNAVAILABLE)],
  },
  {
    name: 'a named Service port resolves like a number',
    ingresses: [ingress('web', { rules: [rule(HOST, ['/', 'Prefix', 'app:http'])] })],
    requests: [get('/', ok('app'))],
  },
];

export const PRECEDENCE_CASES: readonly IngressCase[] = [
  {
    name: 'the same host, path and pathType in two Ingresses: the oldest wins',
    ingresses: [
      ingress('young', { rules: [rule(HOST, ['/api', 'Prefix', 'young'])] }, { age: 60 }),
      ingress('old', { rules: [rule(HOST, ['/api', 'Prefix', 'old'])] }, { age: 1 }),
    ],
    requests: [get('/api', ok('old'))],
  },
  {
    name: 'equal creation times: ingress-nginx orders namespace/name descending',
    ingresses: [
      ingress('a', { rules: [rule(HOST, ['/api', 'Prefix', 'svc-a'])] }),
      ingress('b', { rules: [rule(HOST, ['/api', 'Prefix', 'svc-b'])] }),
    ],
    requests: [get('/api', ok('svc-b'))],
  },
  {
    name: 'different paths of one host in two Ingresses are merged',
    ingresses: [
      ingress('cart', { rules: [rule(HOST, ['/cart', 'Prefix', 'cart'])] }),
      ingress('shop', { rules: [rule(HOST, ['/', 'Prefix', 'shop'])] }, { age: 5 }),
    ],
    requests: [get('/cart/1', ok('cart')), get('/', ok('shop'))],
  },
  {
    name: 'ImplementationSpecific and Prefix of one path conflict (both Prefix); the oldest wins',
    ingresses: [
      ingress('a', { rules: [rule(HOST, ['/x', 'ImplementationSpecific', 'impl'])] }, { age: 1 }),
      ingress('b', { rules: [rule(HOST, ['/x', 'Prefix', 'prefix'])] }, { age: 2 }),
    ],
    requests: [get('/x/1', ok('impl'))],
  },
  {
    name: 'Exact and Prefix of one path in different Ingresses coexist',
    ingresses: [
      ingress('a', { rules: [rule(HOST, ['/x', 'Prefix', 'prefix'])] }, { age: 1 }),
      ingress('b', { rules: [rule(HOST, ['/x', 'Exact', 'exact'])] }, { age: 2 }),
    ],
    requests: [get('/x', ok('exact')), get('/x/y', ok('prefix'))],
  },
  {
    name: 'Ingresses in other namespaces route to their own Services',
    ingresses: [
      ingress('a', { rules: [rule('a.test', ['/', 'Prefix', 'web'])] }, { namespace: 'team-a' }),
      ingress('b', { rules: [rule('b.test', ['/', 'Prefix', 'web'])] }, { namespace: 'team-b' }),
    ],
    requests: [get('/', ok('team-a/web'), 'a.test'), get('/', ok('team-b/web'), 'b.test')],
  },
];

export const CLASS_CASES: readonly IngressCase[] = [
  {
    name: 'an Ingress of another controller is not served',
    ingresses: [ingress('other', { rules: [rule(HOST, ['/', 'Prefix', 'app'])] }, { className: 'traefik' })],
    classes: [ingressClass(), ingressClass('traefik', 'traefik.io/ingress-controller', false)],
    requests: [get('/', NOT_FOUND)],
  },
  {
    name: 'an Ingress naming a class that does not exist is not served',
    ingresses: [ingress('typo', { rules: [rule(HOST, ['/', 'Prefix', 'app'])] }, { className: 'ngnix' })],
    requests: [get('/', NOT_FOUND)],
  },
  {
    name: 'the deprecated kubernetes.io/ingress.class annotation selects the controller',
    ingresses: [
      ingress(
        'legacy',
        { rules: [rule(HOST, ['/', 'Prefix', 'app'])] },
        {
          className: null,
          annotations: { 'kubernetes.io/ingress.class': 'nginx' },
        },
      ),
      ingress(
        'other',
        { rules: [rule('other.test', ['/', 'Prefix', 'app'])] },
        {
          className: null,
          annotations: { 'kubernetes.io/ingress.class': 'traefik' },
        },
      ),
    ],
    requests: [get('/', ok('app')), get('/', NOT_FOUND, 'other.test')],
  },
  {
    name: 'an Ingress without class is ignored (no --watch-ingress-without-class)',
    ingresses: [ingress('classless', { rules: [rule(HOST, ['/', 'Prefix', 'app'])] }, { className: null })],
    requests: [get('/', NOT_FOUND)],
  },
];
