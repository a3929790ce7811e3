import { describe, it } from 'vitest';
import type { NetworkPolicySpec } from '../../api/types.js';
import { checkPolicyCase, type PolicyCase } from './testing.js';

// Peers, ports and the union of policies: the Kubernetes docs' "Behavior of to
// and from selectors", named ports, endPort, the DNS egress recipe, both ends
// of a connection, and several policies selecting one pod (calico.md §4.1).

const WEB = { matchLabels: { app: 'web' } };

/** `namespaceSelector` and `podSelector` in one item: pods matching both. */
const AND_PEER: NetworkPolicySpec = {
  podSelector: WEB,
  ingress: [
    {
      from: [
        {
          namespaceSelector: { matchLabels: { user: 'alice' } },
          podSelector: { matchLabels: { role: 'client' } },
        },
      ],
    },
  ],
};

/** The same selectors as two items: either matches. */
const OR_PEERS: NetworkPolicySpec = {
  podSelector: WEB,
  ingress: [
    {
      from: [
        { namespaceSelector: { matchLabels: { user: 'alice' } } },
        { podSelector: { matchLabels: { role: 'client' } } },
      ],
    },
  ],
};

const NAMED_PORT: NetworkPolicySpec = {
  podSelector: { matchLabels: { app: 'api' } },
  ingress: [{ ports: [{ port: 'http' }] }],
};
const CLIENT_EGRESS_NAMED: NetworkPolicySpec = {
  podSelector: { matchLabels: { app: 'client' } },
  policyTypes: ['Egress'],
  egress: [{ ports: [{ port: 'http' }] }],
};
const RANGE: NetworkPolicySpec = {
  podSelector: WEB,
  ingress: [{ ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
};

const DNS_EGRESS: NetworkPolicySpec = {
  podSelector: {},
  policyTypes: ['Egress'],
  egress: [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
  ],
};

const SERVER_ALLOWS_CLIENT: NetworkPolicySpec = {
  podSelector: WEB,
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }],
};
const CLIENT_DENIES_EGRESS: NetworkPolicySpec = {
  podSelector: { matchLabels: { app: 'client' } },
  policyTypes: ['Egress'],
};
const FROM_API_ANYWHERE: NetworkPolicySpec = {
  podSelector: WEB,
  ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } }] }],
};

const cases: PolicyCase[] = [
  {
    name: 'one peer with both selectors: matching pod in matching namespace',
    policies: { 'default/and': AND_PEER },
    from: 'alice/client',
    to: 'default/web',
    port: 8080,
    want: 'allowed',
    ingress: 'and[0] peer 0',
  },
  {
    name: 'one peer with both selectors: matching namespace, other pod',
    policies: { 'default/and': AND_PEER },
    from: 'alice/other',
    to: 'default/web',
    port: 8080,
    want: 'ingress denied',
  },
  {
    name: 'one peer with both selectors: matching pod, other namespace',
    policies: { 'default/and': AND_PEER },
    from: 'default/client',
    to: 'default/web',
    port: 8080,
    want: 'ingress denied',
  },
  {
    name: 'two peers: any pod of the namespace',
    policies: { 'default/or': OR_PEERS },
    from: 'alice/other',
    to: 'default/web',
    port: 8080,
    want: 'allowed',
    ingress: 'or[0] peer 0',
  },
  {
    name: 'two peers: the pod selector alone, in the policy namespace',
    policies: { 'default/or': OR_PEERS },
    from: 'default/client',
    to: 'default/web',
    port: 8080,
    want: 'allowed',
    ingress: 'or[0] peer 1',
  },
  {
    name: 'two peers: a matching pod of another namespace is not selected',
    policies: { 'default/or': OR_PEERS },
    from: 'bob/client',
    to: 'default/web',
    port: 8080,
    want: 'ingress denied',
  },
  {
    name: 'named port: the container port of that name',
    policies: { 'prod/named': NAMED_PORT },
    from: 'default/client',
    to: 'prod/api',
    port: 8080,
    want: 'allowed',
    ingress: 'named[0] port 0',
  },
  {
    name: 'named port: another port',
    policies: { 'prod/named': NAMED_PORT },
    from: 'default/client',
    to: 'prod/api',
    port: 9090,
    want: 'ingress denied',
  },
  {
    name: 'named port: the name exists for another protocol only',
    policies: { 'prod/np': { podSelector: {}, ingress: [{ ports: [{ port: 'metrics' }] }] } },
    from: 'default/client',
    to: 'prod/api',
    port: 9090,
    want: 'ingress denied',
  },
  {
    name: 'named port: the name with its protocol',
    policies: {
      'prod/np': { podSelector: {}, ingress: [{ ports: [{ port: 'metrics', protocol: 'UDP' }] }] },
    },
    from: 'default/client',
    to: 'prod/api',
    port: 9090,
    protocol: 'UDP',
    want: 'allowed',
  },
  {
    name: 'named port in egress resolves on the destination pod',
    policies: { 'default/named': CLIENT_EGRESS_NAMED },
    from: 'default/client',
    to: 'prod/api',
    port: 8080,
    want: 'allowed',
    egress: 'named[0] port 0',
  },
  {
    name: 'named port in egress never matches a destination that is not a pod',
    policies: { 'default/named': CLIENT_EGRESS_NAMED },
    from: 'default/client',
    to: '93.184.216.34',
    port: 8080,
    want: 'egress denied',
  },
  {
    name: 'endPort: first port of the range',
    policies: { 'default/range': RANGE },
    from: 'default/client',
    to: 'default/web',
    port: 32000,
    want: 'allowed',
  },
  {
    name: 'endPort: last port of the range (inclusive)',
    policies: { 'default/range': RANGE },
    from: 'default/client',
    to: 'default/web',
    port: 32768,
    want: 'allowed',
  },
  {
    name: 'endPort: just above the range',
    policies: { 'default/range': RANGE },
    from: 'default/client',
    to: 'default/web',
    port: 32769,
    want: 'ingress denied',
  },
  {
    name: 'endPort: just below the range',
    policies: { 'default/range': RANGE },
    from: 'default/client',
    to: 'default/web',
    port: 31999,
    want: 'ingress denied',
  },
  {
    name: 'egress to DNS: UDP 53 to CoreDNS',
    policies: { 'default/dns': DNS_EGRESS },
    from: 'default/client',
    to: 'kube-system/coredns',
    port: 53,
    protocol: 'UDP',
    want: 'allowed',
    egress: 'dns[0] peer 0 port 0',
  },
  {
    name: 'egress to DNS: TCP 53 to CoreDNS',
    policies: { 'default/dns': DNS_EGRESS },
    from: 'default/client',
    to: 'kube-system/coredns',
    port: 53,
    want: 'allowed',
    egress: 'dns[0] peer 0 port 1',
  },
  {
    name: 'egress to DNS: another port of CoreDNS',
    policies: { 'default/dns': DNS_EGRESS },
    from: 'default/client',
    to: 'kube-system/coredns',
    port: 5353,
    protocol: 'UDP',
    want: 'egress denied',
  },
  {
    name: 'egress to DNS: UDP 53 to an outside resolver',
    policies: { 'default/dns': DNS_EGRESS },
    from: 'default/client',
    to: '8.8.8.8',
    port: 53,
    protocol: 'UDP',
    want: 'egress denied',
  },
  {
    name: 'egress to DNS: anything else is denied',
    policies: { 'default/dns': DNS_EGRESS },
    from: 'default/client',
    to: 'default/web',
    port: 8080,
    want: 'egress denied',
    egress: 'default-deny by dns',
  },
  {
    name: 'both ends: the server allows the client',
    policies: { 'default/server': SERVER_ALLOWS_CLIENT },
    from: 'default/client',
    to: 'default/web',
    port: 8080,
    want: 'allowed',
    ingress: 'server[0] peer 0',
  },
  {
    name: 'both ends: client-side egress denial wins even if the server allows',
    policies: { 'default/server': SERVER_ALLOWS_CLIENT, 'default/client': CLIENT_DENIES_EGRESS },
    from: 'default/client',
    to: 'default/web',
    port: 8080,
    want: 'egress denied',
    ingress: 'server[0] peer 0',
  },
  {
    name: 'both ends: egress allows, ingress denies',
    policies: { 'default/server': SERVER_ALLOWS_CLIENT, 'default/dns': DNS_EGRESS },
    from: 'kube-system/coredns',
    to: 'default/web',
    port: 8080,
    want: 'ingress denied',
    egress: 'not-isolated',
  },
  {
    name: 'union: the first policy by name allows',
    policies: { 'default/b-api': FROM_API_ANYWHERE, 'default/a-client': SERVER_ALLOWS_CLIENT },
    from: 'default/client',
    to: 'default/web',
    port: 8080,
    want: 'allowed',
    ingress: 'a-client[0] peer 0',
  },
  {
    name: 'union: the second policy allows what the first does not',
    policies: { 'default/b-api': FROM_API_ANYWHERE, 'default/a-client': SERVER_ALLOWS_CLIENT },
    from: 'prod/api',
    to: 'default/web',
    port: 8080,
    want: 'allowed',
    ingress: 'b-api[0] peer 0',
  },
  {
    name: 'union: neither allows; both selected it',
    policies: { 'default/b-api': FROM_API_ANYWHERE, 'default/a-client': SERVER_ALLOWS_CLIENT },
    from: 'alice/other',
    to: 'default/web',
    port: 8080,
    want: 'ingress denied',
    ingress: 'default-deny by a-client,b-api',
  },
  {
    name: 'union: a deny-all beside an allow does not subtract',
    policies: {
      'default/deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      'default/server': SERVER_ALLOWS_CLIENT,
    },
    from: '203.0.113.9',
    to: 'default/web',
    port: 8080,
    want: 'ingress denied',
    ingress: 'default-deny by deny,server',
  },
  {
    name: 'union: the rule after a non-matching one',
    policies: {
      'default/two': {
        podSelector: WEB,
        ingress: [{ ports: [{ port: 1 }] }, { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }],
      },
    },
    from: '203.0.113.9',
    to: 'default/web',
    port: 8080,
    want: 'allowed',
    ingress: 'two[1] peer 0',
  },
];

describe('evaluateConnection: peers, ports, DNS, both ends, union', () => {
  it.each(cases)('$name', checkPolicyCase);
});
