import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import type { Trace } from './model.js';
import { checkMermaidSubset, mermaidText, renderTraceMermaid } from './render-mermaid.js';
import { testTraceDeps } from './testing/world.js';
import { traceConnection } from './trace.js';

const CASES: ReadonlyArray<readonly [string, string]> = [
  ['host', 'node/worker-1:30080'],
  ['host', 'node/worker-1:30081'],
  ['pod/client', 'svc/web'],
  ['pod/client', 'svc/empty'],
  ['pod/client', 'pod/web-b:8080'],
  ['pod/client', 'pod/web-b:9999'],
  ['pod/client', 'ext:80'],
  ['pod/client', 'nope:80'],
  ['node/worker-2', 'svc/web'],
];

async function diagrams(): Promise<string[]> {
  const out: string[] = [];
  for (const [from, to] of CASES) {
    const t = await traceConnection(testTraceDeps(), { from, to, seed: 2 });
    if (t.ok) out.push(renderTraceMermaid(t.trace as Trace));
  }
  return out;
}

describe('renderTraceMermaid', () => {
  it('emits only the checked subset of sequence-diagram syntax', async () => {
    for (const d of await diagrams()) expect(checkMermaidSubset(d), d).toEqual([]);
  });

  // mermaid's own parser (the devDependency mermaid@11.17.2; 12.x needs Node 22). Sequence
  // diagrams parse without a DOM, so this runs headless under vitest.
  it('parses with mermaid itself as a sequence diagram', async () => {
    for (const d of await diagrams())
      await expect(mermaid.parse(d), d).resolves.toMatchObject({ diagramType: 'sequence' });
  });

  it("mermaid's parser rejects what the subset check rejects", async () => {
    // The real parser is not a no-op: an arrow to nobody and a statement separator fail.
    await expect(mermaid.parse('sequenceDiagram\n    P1->>: x\n')).rejects.toThrow(/Parse error/);
    await expect(mermaid.parse('sequenceDiagram\n    participant P1 as a;b\n')).rejects.toThrow(
      /Parse error/,
    );
    expect(checkMermaidSubset('sequenceDiagram\n    participant P1 as a;b\n')).not.toEqual([]);
  });

  it('draws the path of a NodePort connection across nodes', async () => {
    const t = await traceConnection(testTraceDeps(), { from: 'host', to: 'node/worker-1:30080', seed: 1 });
    if (!t.ok) throw new Error(t.problem.message);
    const d = renderTraceMermaid(t.trace);
    expect(d).toMatch(
      /^sequenceDiagram\n {4}participant P1 as host 127\.0\.0\.1\n {4}participant P2 as node worker-1\n/,
    );
    expect(d).toContain(
      'Note over P2: kube-proxy default/web:http: DNAT → 10.244.2.7:8080, SNAT → 127.0.10.2',
    );
    expect(d).toContain('P2->>P3: tunl0: IPIP 127.0.10.2 → 127.0.10.3 to worker-2');
    expect(d).toMatch(/P3->>P4: 127\.0\.10\.2:\d+ → 10\.244\.2\.7:8080\n/);
  });

  it('rejects what it does not emit', () => {
    expect(checkMermaidSubset('sequenceDiagram\n    participant P1 as a\n    P1->>P2: x\n')).toEqual([
      'line 3: undeclared participant P2',
    ]);
    expect(checkMermaidSubset('graph TD\n    A-->B\n')).toHaveLength(2);
    expect(mermaidText('a;b #1 %% c')).toBe('a#59;b #35;1 % % c');
  });
});
