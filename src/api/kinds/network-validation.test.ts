import { describe, expect, it } from 'vitest';
import { dryRunCreate, dryRunUpdate } from '../dry-run.js';
import { formatFieldError } from '../field-errors.js';
import type { KubeObject } from '../types.js';
import './index.js';

function messages(obj: object): string[] {
  return dryRunCreate(obj as KubeObject).errors.map(formatFieldError);
}

const backend = { service: { name: 'web', port: { number: 80 } } };
function ingress(spec: object, metadata: object = {}): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'default', ...metadata },
    spec,
  };
}
function rule(path: object, host?: string): object {
  return { ...(host ? { host } : {}), http: { paths: [{ backend, ...path }] } };
}

describe('Ingress validation (ingress.md §1.2)', () => {
  it.each([
    {
      name: 'a valid ingress',
      obj: ingress({ rules: [rule({ path: '/', pathType: 'Prefix' }, 'web.example.com')] }),
      want: [],
    },
    {
      name: 'neither rules nor a default backend',
      obj: ingress({}),
      want: [
        'spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified',
      ],
    },
    {
      name: 'a path without pathType',
      obj: ingress({ rules: [rule({ path: '/' })] }),
      want: ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'],
    },
    {
      name: 'a relative Prefix path',
      obj: ingress({ rules: [rule({ path: 'api', pathType: 'Prefix' })] }),
      want: ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'],
    },
    {
      name: 'a path with //',
      obj: ingress({ rules: [rule({ path: '/a//b', pathType: 'Exact' })] }),
      want: ['spec.rules[0].http.paths[0].path: Invalid value: "/a//b": must not contain \'//\''],
    },
    {
      name: 'an IP as host',
      obj: ingress({ rules: [rule({ path: '/', pathType: 'Prefix' }, '10.0.0.1')] }),
      want: ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
    },
    {
      name: 'a bare * host',
      obj: ingress({ rules: [rule({ path: '/', pathType: 'Prefix' }, '*')] }),
      want: [
        "spec.rules[0].host: Invalid value: \"*\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    },
    {
      name: 'a backend with both port name and number',
      obj: ingress({ defaultBackend: { service: { name: 'web', port: { name: 'http', number: 80 } } } }),
      want: ['spec.defaultBackend: Invalid value: "": cannot set both port name & port number'],
    },
    {
      name: 'a backend with no port',
      obj: ingress({ defaultBackend: { service: { name: 'web', port: {} } } }),
      want: ['spec.defaultBackend: Required value: port name or number is required'],
    },
    {
      name: 'class annotation and field that disagree',
      obj: ingress(
        { ingressClassName: 'nginx', defaultBackend: backend },
        { annotations: { 'kubernetes.io/ingress.class': 'traefik' } },
      ),
      want: [
        'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
      ],
    },
  ])('$name', ({ obj, want }) => {
    expect(messages(obj)).toEqual(want);
  });

  it('validates an IngressClass controller and keeps it immutable', () => {
    const ic = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'nginx' },
      spec: { controller: 'nginx' },
    };
    expect(messages(ic)).toEqual([
      'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
    ]);
    const old = dryRunCreate({ ...ic, spec: { controller: 'k8s.io/ingress-nginx' } } as KubeObject).object;
    const next = { ...ic, spec: { controller: 'k8s.io/other' } } as KubeObject;
    expect(dryRunUpdate(next, old).errors.map(formatFieldError)).toEqual([
      'spec.controller: Invalid value: "k8s.io/other": field is immutable',
    ]);
  });
});

describe('NetworkPolicy validation', () => {
  function policy(spec: object): object {
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'default' },
      spec,
    };
  }
  it.each([
    { name: 'a default-deny policy', obj: policy({ podSelector: {} }), want: [] },
    {
      name: 'a peer with nothing in it',
      obj: policy({ podSelector: {}, ingress: [{ from: [{}] }] }),
      want: ['spec.ingress[0].from[0]: Required value: must specify a peer'],
    },
    {
      name: 'an ipBlock with another peer',
      obj: policy({
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }],
      }),
      want: ['spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer'],
    },
    {
      name: 'an except outside the cidr',
      obj: policy({
        podSelector: {},
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }],
      }),
      want: [
        'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
      ],
    },
    {
      name: 'endPort below port',
      obj: policy({ podSelector: {}, ingress: [{ ports: [{ port: 8080, endPort: 80 }] }] }),
      want: ['spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`'],
    },
    {
      name: 'an unknown policy type',
      obj: policy({ podSelector: {}, policyTypes: ['Both'] }),
      want: ['spec.policyTypes[0]: Unsupported value: "Both": supported values: "Ingress", "Egress"'],
    },
  ])('$name', ({ obj, want }) => {
    expect(messages(obj)).toEqual(want);
  });

  it('defaults policyTypes to Ingress, plus Egress when egress rules exist', () => {
    const { object } = dryRunCreate(
      policy({ podSelector: {}, egress: [{ ports: [{ port: 53 }] }] }) as KubeObject,
    );
    expect(object).toMatchObject({
      spec: { policyTypes: ['Ingress', 'Egress'], egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }] },
    });
  });
});
