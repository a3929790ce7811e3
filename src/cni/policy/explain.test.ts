import { describe, expect, it } from 'vitest';
import type { NetworkPolicySpec } from '../../api/types.js';
import { explainConnection, explainPolicy } from './explain.js';
import { runPolicyCase } from './testing.js';

const DB_ALLOW_WEB: NetworkPolicySpec = {
  podSelector: { matchLabels: { app: 'db' } },
  ingress: [
    {
      from: [{ podSelector: { matchLabels: { app: 'web' } } }],
      ports: [{ protocol: 'TCP', port: 6379 }],
    },
  ],
};

function explain(
  policies: Record<string, NetworkPolicySpec>,
  from: string,
  to: string,
  port: number,
  direction: 'egress' | 'ingress',
): string {
  const v = runPolicyCase({ name: '', policies, from, to, port, want: 'allowed' });
  return explainPolicy(v[direction]);
}

describe('explainPolicy', () => {
  it.each([
    {
      name: 'default deny on ingress names the selecting policy, the source and the port',
      got: () =>
        explain({ 'default/db-allow-web': DB_ALLOW_WEB }, 'default/client', 'default/db', 6379, 'ingress'),
      want: 'denied by default: pod default/db is selected by NetworkPolicy default/db-allow-web (Ingress) and no rule allows 10.244.1.11 → TCP 6379',
    },
    {
      name: 'default deny on egress names the destination',
      got: () =>
        explain(
          {
            'default/a': { podSelector: {}, policyTypes: ['Egress'] },
            'default/b': { podSelector: {}, policyTypes: ['Egress'] },
          },
          'default/client',
          '10.244.2.20',
          6379,
          'egress',
        ),
      want: 'denied by default: pod default/client is selected by NetworkPolicies default/a, default/b (Egress) and no rule allows TCP 6379 to 10.244.2.20',
    },
    {
      name: 'an allowing rule with its peer and port',
      got: () =>
        explain({ 'default/db-allow-web': DB_ALLOW_WEB }, 'default/web', 'default/db', 6379, 'ingress'),
      want: 'allowed by NetworkPolicy default/db-allow-web spec.ingress[0]: from[0] podSelector app=web, ports[0] TCP 6379',
    },
    {
      name: 'an allowing rule without peers or ports',
      got: () =>
        explain(
          { 'default/all': { podSelector: {}, policyTypes: ['Egress'], egress: [{}] } },
          'default/web',
          '1.1.1.1',
          443,
          'egress',
        ),
      want: 'allowed by NetworkPolicy default/all spec.egress[0]: to anywhere, every port',
    },
    {
      name: 'an ipBlock with except and a port range',
      got: () =>
        explain(
          {
            'default/ext': {
              podSelector: {},
              policyTypes: ['Egress'],
              egress: [
                {
                  to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.244.0.0/16'] } }],
                  ports: [{ port: 8000, endPort: 8100 }],
                },
              ],
            },
          },
          'default/web',
          '10.1.2.3',
          8080,
          'egress',
        ),
      want: 'allowed by NetworkPolicy default/ext spec.egress[0]: to[0] ipBlock 10.0.0.0/8 except 10.244.0.0/16, ports[0] TCP 8000-8100',
    },
    {
      name: 'a namespaceSelector and podSelector peer',
      got: () =>
        explain(
          {
            'default/ns': {
              podSelector: {},
              ingress: [
                {
                  from: [
                    {
                      namespaceSelector: {
                        matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }],
                      },
                      podSelector: {},
                    },
                  ],
                  ports: [{ port: 'http' }],
                },
              ],
            },
          },
          'prod/api',
          'default/web',
          8080,
          'ingress',
        ),
      want: 'allowed by NetworkPolicy default/ns spec.ingress[0]: from[0] namespaceSelector env in (prod) + podSelector {}, ports[0] TCP http',
    },
    {
      name: 'not isolated',
      got: () => explain({}, 'default/client', 'default/web', 8080, 'ingress'),
      want: 'allowed: no NetworkPolicy selects pod default/web for Ingress',
    },
    {
      name: 'not a pod',
      got: () => explain({}, '203.0.113.9', '127.0.10.3', 22, 'ingress'),
      want: 'no ingress policy: 127.0.10.3 is not a pod',
    },
    {
      name: 'the local node',
      got: () =>
        explain({ 'default/deny': { podSelector: {} } }, '127.0.10.2', 'default/web', 8080, 'ingress'),
      want: "allowed: from pod default/web's own node worker-1 (Calico does not police host → local pod traffic)",
    },
    {
      name: 'itself',
      got: () =>
        explain({ 'default/deny': { podSelector: {} } }, 'default/web', 'default/web', 8080, 'ingress'),
      want: 'allowed: pod default/web talking to itself is never policed',
    },
  ])('$name', ({ got, want }) => {
    expect(got()).toBe(want);
  });
});

describe('explainConnection', () => {
  it('names the denying direction, egress first', () => {
    const v = runPolicyCase({
      name: '',
      policies: { 'default/deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      from: 'default/client',
      to: 'default/web',
      port: 8080,
      want: 'allowed',
    });
    expect(explainConnection(v)).toBe(
      'egress denied by default: pod default/client is selected by NetworkPolicy default/deny (Egress) and no rule allows TCP 8080 to 10.244.1.10',
    );
  });

  it('gives both reasons when allowed', () => {
    const v = runPolicyCase({
      name: '',
      policies: {},
      from: 'default/client',
      to: '1.1.1.1',
      port: 80,
      want: 'allowed',
    });
    expect(explainConnection(v)).toBe(
      'egress allowed: no NetworkPolicy selects pod default/client for Egress; ingress no ingress policy: 1.1.1.1 is not a pod',
    );
  });
});
