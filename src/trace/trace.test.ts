import { describe, expect, it } from 'vitest';
import type { ProxyMode } from '../proxy/options.js';
import type { Trace } from './model.js';
import { checkMermaidSubset, renderTraceMermaid } from './render-mermaid.js';
import { renderTraceText } from './render-text.js';
import { testTraceDeps } from './testing/world.js';
import { traceConnection } from './trace.js';

async function trace(from: string, to: string, seed = 1, mode: ProxyMode = 'iptables'): Promise<Trace> {
  const outcome = await traceConnection(testTraceDeps(mode), { from, to, seed });
  if (!outcome.ok) throw new Error(outcome.problem.message);
  return outcome.trace;
}

interface Case {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** `pod NAME sees SRC`, or the result kind. */
  readonly want: string;
  readonly masquerade?: string;
  readonly candidates?: readonly string[];
}

function summary(t: Trace): string {
  if (t.result.kind !== 'pod') return t.result.kind;
  return `pod ${t.result.pod?.name} sees ${t.seen?.src.ip}`;
}

describe('traceConnection', () => {
  it.each<Case>([
    {
      name: 'host to NodePort, eTP Cluster',
      from: 'host',
      to: '127.0.10.2:30080',
      want: 'pod web-b sees 127.0.10.2',
      masquerade: 'external-traffic-policy-cluster',
      candidates: ['web-a', 'web-b'],
    },
    {
      name: 'host to eTP Local NodePort with the endpoint',
      from: 'host',
      to: 'node/worker-2:30081',
      want: 'pod web-b sees 127.0.0.1',
      masquerade: 'external-traffic-policy-local',
    },
    {
      name: 'host to eTP Local NodePort without endpoint',
      from: 'host',
      to: 'node/worker-1:30081',
      want: 'dropped',
    },
    {
      name: 'pod to ClusterIP by Service name',
      from: 'pod/client',
      to: 'svc/web',
      want: 'pod web-b sees 10.244.1.9',
      masquerade: 'pod-source',
      candidates: ['web-a', 'web-b'],
    },
    { name: 'pod to a Service without endpoints', from: 'pod/client', to: 'svc/empty:http', want: 'refused' },
    {
      name: 'pod to pod across nodes',
      from: 'pod/client',
      to: 'pod/web-b:8080',
      want: 'pod web-b sees 10.244.1.9',
      masquerade: 'no-service',
    },
    {
      name: 'pod to a DNS name through its search path',
      from: 'pod/client',
      to: 'web:80',
      want: 'pod web-b sees 10.244.1.9',
    },
    {
      name: 'pod to an ExternalName (CNAME to a Service)',
      from: 'pod/client',
      to: 'svc/ext:80',
      want: 'pod web-b sees 10.244.1.9',
    },
    { name: 'pod to a name that does not exist', from: 'pod/client', to: 'nope:80', want: 'unresolved' },
    {
      name: 'node to ClusterIP masquerades',
      from: 'node/worker-2',
      to: '10.96.0.50:80',
      want: 'pod web-b sees 127.0.10.3',
      masquerade: 'off-cluster-source',
    },
  ])('$name', async (c) => {
    const t = await trace(c.from, c.to);
    expect(summary(t)).toBe(c.want);
    if (c.masquerade) expect(t.masquerade.reason).toBe(c.masquerade);
    if (c.candidates) expect(t.candidates.map((x) => x.pod?.name)).toEqual(c.candidates);
    expect(t.verdict).toBe(t.result.kind === 'pod' ? 'FORWARDED' : 'DROPPED');
    expect(checkMermaidSubset(renderTraceMermaid(t))).toEqual([]);
  });

  it('names the rules as iptables TRACE lines with the Service beside the hashed chain', async () => {
    const t = await trace('host', '127.0.10.2:30080');
    const proxy = t.hops.find((h) => h.component === 'kube-proxy');
    const nodePorts = proxy?.rules?.find((r) => r.chain === 'KUBE-NODEPORTS');
    expect(nodePorts?.trace).toMatch(/^TRACE: nat:KUBE-NODEPORTS:rule:\d+$/);
    expect(nodePorts?.service).toBe('default/web:http');
    expect(nodePorts?.text).toContain('--dport 30080 -j KUBE-EXT-');
    expect(proxy?.candidates?.map((c) => c.probability)).toEqual([0.5, 0.5]);
    expect(proxy?.observationPoint).toBe('TO_STACK');
  });

  it('repeats with the same seed and lists the candidates either way', async () => {
    const picks = new Set<string>();
    for (let seed = 0; seed < 16; seed++) {
      const a = await trace('pod/client', 'svc/web', seed);
      const b = await trace('pod/client', 'svc/web', seed);
      expect(b.result).toEqual(a.result);
      expect(b.source.port).toBe(a.source.port);
      picks.add(a.result.pod?.name ?? '');
    }
    expect([...picks].sort()).toEqual(['web-a', 'web-b']);
  });

  it('shows which search suffix answered and every attempt', async () => {
    const t = await trace('pod/client', 'web.default:80');
    expect(t.dns?.canonicalName).toBe('web.default.svc.cluster.local');
    expect(t.dns?.attempts.map((a) => `${a.name} ${a.rcode}`)).toEqual([
      'web.default.default.svc.cluster.local NXDOMAIN',
      'web.default.svc.cluster.local NOERROR',
    ]);
    expect(t.hops[0]?.summary).toContain('search suffix svc.cluster.local');
  });

  it('follows the CNAME of an ExternalName', async () => {
    const t = await trace('pod/client', 'ext:80');
    expect(t.dns?.cnames).toEqual(['web.default.svc.cluster.local']);
    expect(t.hops[0]?.summary).toContain('(CNAME web.default.svc.cluster.local)');
  });

  it.each([
    {
      spec: ['pod/clinet', 'svc/web'],
      message: 'pods "clinet" not found in namespace "default"; did you mean client?',
    },
    {
      spec: ['pod/client', 'svc/wbe'],
      message: 'services "wbe" not found in namespace "default"; did you mean web?',
    },
    {
      spec: ['node/worker-3', 'svc/web'],
      message: 'nodes "worker-3" not found; did you mean worker-1, worker-2?',
    },
    {
      spec: ['pod/client', 'svc/web:https'],
      message: 'service "default/web" has no port "https"; its ports are http (80)',
    },
    {
      spec: ['somewhere', 'svc/web'],
      message: 'invalid source "somewhere": expected host, node/NAME, pod/NAME or an IP address',
    },
  ])('names what does not exist and its close matches: $spec', async ({ spec, message }) => {
    const outcome = await traceConnection(testTraceDeps(), { from: spec[0], to: spec[1] });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.problem.message).toBe(message);
  });

  it('renders a readable text trace', async () => {
    const text = renderTraceText(await trace('host', 'node/worker-1:30080', 3));
    expect(text).toMatch(
      /^Trace: {3}host \(127\.0\.0\.1:\d+\) → node\/worker-1:30080 \(127\.0\.10\.2:30080\) TCP\n/,
    );
    expect(text).toContain('Service: default/web:http (NodePort)');
    expect(text).toMatch(
      /candidates \(\* = this trace\):\n {6}[* ] 10\.244\.1\.5:8080 +50% {2}default\/web-a on worker-1\n/,
    );
    expect(text).toMatch(/\nSNAT: {4}yes — externalTrafficPolicy: Cluster/);
    expect(text).toMatch(/\nVerdict: FORWARDED\n$/);
  });

  it('names an unnamed Service port as kube-proxy does, without a colon', async () => {
    const t = await trace('host', 'node/worker-1:30082');
    expect(t.service).toMatchObject({ namespace: 'default', name: 'noeps', port: '' });
    const text = renderTraceText(t);
    expect(text).toContain('\nService: default/noeps (NodePort)\n');
    expect(text).toContain('Rejected: service default/noeps has no endpoints');
  });
});

describe('traceConnection in every proxy mode', () => {
  it.each<ProxyMode>(['iptables', 'nftables'])(
    '%s: an eTP Local NodePort without a local endpoint names the Service it drops for',
    async (mode) => {
      const t = await trace('host', 'node/worker-1:30081', 1, mode);
      expect(t.result).toEqual({
        action: 'Dropped',
        kind: 'dropped',
        reason: 'kube-proxy drops traffic to default/local:http on worker-1',
      });
      expect(t.service).toEqual({ namespace: 'default', name: 'local', port: 'http', type: 'NodePort' });
      const text = renderTraceText(t);
      expect(text).toContain('\nService: default/local:http (NodePort)\n');
      expect(text).toContain(': DROP (default/local:http)\n');
      const proxy = t.hops.find((h) => h.component === 'kube-proxy');
      expect(proxy?.rules?.at(-1)?.service).toBe('default/local:http');
    },
  );

  it('ipvs: an eTP Local NodePort without a local endpoint is rejected for no local endpoints', async () => {
    const t = await trace('host', 'node/worker-1:30081', 1, 'ipvs');
    expect(t.result).toEqual({
      action: 'Rejected',
      kind: 'refused',
      reason: 'service default/local:http has no local endpoints',
    });
    expect(renderTraceText(t)).toContain('Rejected: service default/local:http has no local endpoints');
  });

  it.each<ProxyMode>(['iptables', 'nftables'])(
    '%s: a Service without endpoints names the Service it rejects for',
    async (mode) => {
      const t = await trace('pod/client', 'svc/empty:http', 1, mode);
      expect(t.result.reason).toBe('service default/empty:http has no endpoints');
      expect(renderTraceText(t)).toContain('\nService: default/empty:http (ClusterIP)\n');
    },
  );

  it('nftables: the vmap rule whose element decided carries the element comment', async () => {
    const t = await trace('host', 'node/worker-1:30082', 1, 'nftables');
    const rule = t.hops.find((h) => h.component === 'kube-proxy')?.rules?.find((r) => r.service);
    expect(rule?.text).toContain('vmap @no-endpoint-nodeports');
    expect(rule?.service).toBe('default/noeps');
    expect(renderTraceText(t)).toContain('\nService: default/noeps (NodePort)\n');
  });
});
