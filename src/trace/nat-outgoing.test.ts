/**
 * The tracer's account of Calico's natOutgoing (calico.md §2.3): the SNAT
 * hop on the pod's node, why the receiver sees that node, and the same in
 * text and Mermaid. The test world's default pool has natOutgoing on.
 */
import { describe, expect, it } from 'vitest';
import type { Trace } from './model.js';
import { checkMermaidSubset, renderTraceMermaid } from './render-mermaid.js';
import { renderTraceText } from './render-text.js';
import { testTraceDeps } from './testing/world.js';
import { type TraceDeps, traceConnection } from './trace.js';

function deps(): TraceDeps {
  const d = testTraceDeps();
  return {
    ...d,
    world: { ...d.world, natOutgoing: (src, dst) => src.startsWith('10.244.') && !dst.startsWith('10.244.') },
  };
}

async function trace(from: string, to: string): Promise<Trace> {
  const outcome = await traceConnection(deps(), { from, to, seed: 1 });
  if (!outcome.ok) throw new Error(outcome.problem.message);
  return outcome.trace;
}

describe('traces with natOutgoing', () => {
  it("pod to another node's eTP Local NodePort: SNAT on the pod's node, explained", async () => {
    const t = await trace('pod/client', 'node/worker-2:30081');
    expect(t.result.kind).toBe('pod');
    expect(t.seen?.src.ip).toBe('127.0.10.2');
    expect(t.masquerade).toMatchObject({ applied: true, reason: 'nat-outgoing' });
    const snat = t.hops.find((h) => h.component === 'routing' && h.action === 'Translated');
    expect(snat).toMatchObject({ node: 'worker-1', after: { src: { ip: '127.0.10.2' } } });
    const text = renderTraceText(t);
    expect(text).toMatch(
      /routing worker-1: Translated — natOutgoing \(cali-nat-outgoing\): SNAT 10\.244\.1\.9:/,
    );
    expect(text).toContain("SNAT:    yes — Calico's natOutgoing:");
    const mermaid = renderTraceMermaid(t);
    expect(checkMermaidSubset(mermaid)).toEqual([]);
    expect(mermaid).toMatch(/Note over P2: natOutgoing \(cali-nat-outgoing\): SNAT/);
    expect(mermaid).toMatch(/P2->>P3: 127\.0\.10\.2:\d+ → 127\.0\.10\.3:30081/);
  });

  it("pod to another node's eTP Cluster NodePort: that node's masquerade is what the pod sees", async () => {
    const t = await trace('pod/client', 'node/worker-2:30080');
    expect(t.masquerade).toMatchObject({ applied: true, reason: 'external-traffic-policy-cluster' });
  });

  it("pod to its own node's NodePort: no natOutgoing, the pod address is kept", async () => {
    const t = await trace('pod/client', 'node/worker-1:30081');
    expect(t.seen?.src.ip).toBe('10.244.1.9');
    expect(t.masquerade).toMatchObject({ applied: false, reason: 'pod-source' });
  });
});
