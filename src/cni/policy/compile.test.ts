import { describe, expect, it } from 'vitest';
import type { NetworkPolicySpec } from '../../api/types.js';
import { compilePolicy, effectivePolicyTypes } from './compile.js';
import { testPolicy } from './testing.js';

describe('effectivePolicyTypes', () => {
  it.each<{ name: string; spec: NetworkPolicySpec; want: string }>([
    { name: 'omitted, no egress: Ingress', spec: { podSelector: {} }, want: 'Ingress' },
    {
      name: 'omitted, ingress rules only: Ingress',
      spec: { podSelector: {}, ingress: [{}] },
      want: 'Ingress',
    },
    {
      name: 'omitted, egress rules: Ingress and Egress',
      spec: { podSelector: {}, egress: [{}] },
      want: 'Ingress,Egress',
    },
    { name: 'omitted, empty egress list: Ingress', spec: { podSelector: {}, egress: [] }, want: 'Ingress' },
    {
      name: 'empty list behaves as omitted',
      spec: { podSelector: {}, policyTypes: [], egress: [{}] },
      want: 'Ingress,Egress',
    },
    {
      name: 'Egress only',
      spec: { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] },
      want: 'Egress',
    },
    { name: 'both', spec: { podSelector: {}, policyTypes: ['Egress', 'Ingress'] }, want: 'Ingress,Egress' },
  ])('$name', ({ spec, want }) => {
    const t = effectivePolicyTypes(spec);
    expect([t.ingress ? 'Ingress' : '', t.egress ? 'Egress' : ''].filter(Boolean).join(',')).toBe(want);
  });
});

describe('compilePolicy', () => {
  it('makes protocols explicit, keeps named ports and ranges, and describes peers', () => {
    const c = compilePolicy(
      testPolicy('prod/np', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { team: 'a' } },
                podSelector: { matchLabels: { role: 'client' } },
              },
              { ipBlock: { cidr: '10.1.2.3/8', except: ['10.2.0.0/16'] } },
            ],
            ports: [{ port: 'http' }, { protocol: 'UDP', port: 5000, endPort: 5010 }, { protocol: 'SCTP' }],
          },
        ],
      }),
    );
    expect(c.ref).toEqual({ namespace: 'prod', name: 'np' });
    expect(c.ingressIsolates).toBe(true);
    expect(c.egressIsolates).toBe(false);
    expect(c.ingress[0]?.peers.map((p) => p.text)).toEqual([
      'namespaceSelector team=a + podSelector role=client',
      'ipBlock 10.0.0.0/8 except 10.2.0.0/16',
    ]);
    expect(c.ingress[0]?.ports.map((p) => p.text)).toEqual([
      'TCP http',
      'UDP 5000-5010',
      'SCTP (every port)',
    ]);
    expect(c.diagnostics).toEqual([]);
  });

  it('reports what can never match instead of failing', () => {
    const c = compilePolicy(
      testPolicy('default/np', {
        podSelector: {},
        egress: [{ to: [{ ipBlock: { cidr: 'fd00::/8' } }, {}] }],
      }),
    );
    expect(c.diagnostics).toEqual([
      'spec.egress[0].to[0].ipBlock fd00::/8 is not IPv4: it never matches',
      'spec.egress[0].to[1] names no peer: it never matches',
    ]);
    // Peers that can never match do not widen the rule to "any peer".
    expect(c.egress[0]?.peers).toHaveLength(2);
  });
});
