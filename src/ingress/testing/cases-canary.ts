/**
 * Canary cases (reference §3.4: header, header value, cookie, weight, a canary
 * without main) and limits (`proxy-body-size`, source ranges).
 */
import { nginx } from './cases-annotations.js';
import { get, HOST, NOT_FOUND, ok } from './cases-paths.js';
import { ingress, rule } from './fixtures.js';
import { CASE_CLIENT_IP, type IngressCase } from './run-cases.js';

export const CANARY_CASES: readonly IngressCase[] = [
  {
    name: 'canary-by-header: always → canary, never → main, anything else → main',
    ingresses: [
      ingress('main', { rules: [rule(HOST, ['/', 'Prefix', 'main'])] }),
      ingress(
        'canary',
        { rules: [rule(HOST, ['/', 'Prefix', 'canary'])] },
        {
          age: 5,
          annotations: nginx({ canary: 'true', 'canary-by-header': 'X-Canary' }),
        },
      ),
    ],
    requests: [
      { host: HOST, path: '/', headers: { 'x-canary': 'always' }, want: ok('canary') },
      { host: HOST, path: '/', headers: { 'x-canary': 'never' }, want: ok('main') },
      { host: HOST, path: '/', headers: { 'x-canary': 'maybe' }, want: ok('main') },
      get('/', ok('main')),
    ],
  },
  {
    name: 'canary-by-header-value: only the exact value goes to the canary',
    ingresses: [
      ingress('main', { rules: [rule(HOST, ['/', 'Prefix', 'main'])] }),
      ingress(
        'canary',
        { rules: [rule(HOST, ['/', 'Prefix', 'canary'])] },
        {
          age: 5,
          annotations: nginx({
            canary: 'true',
            'canary-by-header': 'X-Canary',
            'canary-by-header-value': 'DoCanary',
          }),
        },
      ),
    ],
    requests: [
      { host: HOST, path: '/', headers: { 'x-canary': 'DoCanary' }, want: ok('canary') },
      { host: HOST, path: '/', headers: { 'x-canary': 'always' }, want: ok('main') },
    ],
  },
  {
    name: 'canary-by-cookie and canary-weight 100 / 0',
    ingresses: [
      ingress('main', { rules: [rule(HOST, ['/a', 'Prefix', 'main'], ['/b', 'Prefix', 'main-b'])] }),
      ingress(
        'c1',
        { rules: [rule(HOST, ['/a', 'Prefix', 'canary'])] },
        {
          age: 5,
          annotations: nginx({ canary: 'true', 'canary-by-cookie': 'beta', 'canary-weight': '0' }),
        },
      ),
      ingress(
        'c2',
        { rules: [rule(HOST, ['/b', 'Prefix', 'canary-b'])] },
        {
          age: 5,
          annotations: nginx({ canary: 'true', 'canary-weight': '100' }),
        },
      ),
    ],
    requests: [
      { host: HOST, path: '/a', headers: { cookie: 'beta=always' }, want: ok('canary') },
      { host: HOST, path: '/a', headers: { cookie: 'beta=never' }, want: ok('main') },
      get('/a', ok('main')),
      get('/b', ok('canary-b')),
    ],
  },
  {
    name: 'a canary without a main Ingress is dropped: its host is a 404',
    ingresses: [
      ingress('other', { rules: [rule('other.test', ['/', 'Prefix', 'other'])] }),
      ingress(
        'lonely',
        { rules: [rule(HOST, ['/', 'Prefix', 'canary'])] },
        { annotations: nginx({ canary: 'true', 'canary-weight': '100' }) },
      ),
    ],
    requests: [get('/', NOT_FOUND)],
  },
];

export const LIMIT_CASES: readonly IngressCase[] = [
  {
    name: 'proxy-body-size: a larger Content-Length is a 413',
    ingresses: [
      ingress(
        'up',
        { rules: [rule(HOST, ['/', 'Prefix', 'app'])] },
        { annotations: nginx({ 'proxy-body-size': '1k' }) },
      ),
    ],
    requests: [
      { host: HOST, path: '/upload', method: 'POST', body: 'x'.repeat(2048), want: { status: 413 } },
      { host: HOST, path: '/upload', method: 'POST', body: 'x'.repeat(512), want: ok('app') },
    ],
  },
  {
    name: 'allowlist-source-range refuses other clients with 403; denylist too',
    ingresses: [
      ingress(
        'a',
        { rules: [rule('allow.test', ['/', 'Prefix', 'app'])] },
        {
          annotations: nginx({ 'allowlist-source-range': '10.0.0.0/8' }),
        },
      ),
      ingress(
        'd',
        { rules: [rule('deny.test', ['/', 'Prefix', 'app'])] },
        {
          annotations: nginx({ 'denylist-source-range': `${CASE_CLIENT_IP}/32` }),
        },
      ),
      ingress(
        'ok',
        { rules: [rule('ok.test', ['/', 'Prefix', 'app'])] },
        {
          annotations: nginx({ 'whitelist-source-range': '203.0.113.0/24' }),
        },
      ),
    ],
    requests: [
      get('/', { status: 403 }, 'allow.test'),
      get('/', { status: 403 }, 'deny.test'),
      get('/', ok('app'), 'ok.test'),
    ],
  },
];
