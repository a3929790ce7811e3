/**
 * The trace as a Mermaid sequence diagram (`-o mermaid`), for docs and
 * slides: the sender, every node the connection crosses, the DNS server and
 * the receiver are participants; packets are arrows labelled with their
 * tuple; kube-proxy decisions, routes and drops are notes on the node where
 * they happen. Only a small, safe subset of the syntax is emitted (see
 * `checkMermaidSubset`): `participant X as label`, `A->>B: text`,
 * `A-->>B: text`, `A-xB: text`, `Note over X: text`.
 */
import type { Trace, TraceHop } from './model.js';

interface Participant {
  readonly id: string;
  readonly label: string;
}

/** Text a message or note may carry: no statement separators, comments or entity openers. */
export function mermaidText(text: string): string {
  return text
    .replace(/[#;]/g, (c) => (c === '#' ? '#35;' : '#59;'))
    .replace(/%%/g, '% %')
    .replace(/[\r\n]+/g, ' ')
    .trim();
}

class Diagram {
  readonly lines: string[] = [];
  readonly #participants: Participant[] = [];
  readonly #ids = new Map<string, string>();

  id(key: string, label: string): string {
    let id = this.#ids.get(key);
    if (!id) {
      id = `P${this.#ids.size + 1}`;
      this.#ids.set(key, id);
      this.#participants.push({ id, label });
    }
    return id;
  }

  send(from: string, to: string, text: string, arrow: '->>' | '-->>' | '-x' = '->>'): void {
    this.lines.push(`    ${from}${arrow}${to}: ${mermaidText(text)}`);
  }

  note(over: string, text: string): void {
    this.lines.push(`    Note over ${over}: ${mermaidText(text)}`);
  }

  render(): string {
    const head = this.#participants.map((p) => `    participant ${p.id} as ${mermaidText(p.label)}`);
    return `sequenceDiagram\n${[...head, ...this.lines].join('\n')}\n`;
  }
}

function sourceLabel(t: Trace): string {
  const s = t.source;
  if (s.kind === 'pod') return `pod ${s.namespace}/${s.name} ${s.ip}`;
  if (s.kind === 'node') return `node ${s.node} ${s.ip}`;
  return `host ${s.ip}`;
}

function tupleText(h: TraceHop): string {
  const t = h.after ?? h.before;
  return t ? `${t.src.ip}:${t.src.port} → ${t.dst.ip}:${t.dst.port}` : h.summary;
}

/** The participant a hop happens at, creating it on first use. */
function nodeOf(d: Diagram, h: TraceHop): string {
  return d.id(`node:${h.node ?? '?'}`, `node ${h.node ?? '?'}`);
}

function podTarget(d: Diagram, h: TraceHop): string {
  const m = /(?:^| in )([\w.-]+\/[\w.-]+)/.exec(h.summary);
  return d.id(`pod:${m?.[1] ?? '?'}`, `pod ${m?.[1] ?? '?'}`);
}

function kubeProxy(d: Diagram, h: TraceHop, src: string): void {
  const node = nodeOf(d, h);
  const svc = h.rules?.find((r) => r.service)?.service;
  if (h.action === 'Translated') {
    const dnat = h.after ? `DNAT → ${h.after.dst.ip}:${h.after.dst.port}` : 'DNAT';
    const snat =
      h.after && h.before && h.after.src.ip !== h.before.src.ip ? `, SNAT → ${h.after.src.ip}` : '';
    d.note(node, `kube-proxy${svc ? ` ${svc}` : ''}: ${dnat}${snat}`);
    return;
  }
  d.note(node, `kube-proxy${svc ? ` ${svc}` : ''}: ${h.action === 'Rejected' ? 'REJECT' : 'DROP'}`);
  if (h.action === 'Rejected') d.send(node, src, 'connection refused', '-->>');
}

/** Renders a trace as a Mermaid sequence diagram. */
export function renderTraceMermaid(t: Trace): string {
  const d = new Diagram();
  const s = t.source;
  // A pod source is keyed like any pod, so a hairpin back to itself reuses its lifeline.
  const src = d.id(s.kind === 'pod' ? `pod:${s.namespace}/${s.name}` : 'source', sourceLabel(t));
  let at = src;
  for (const h of t.hops) {
    switch (h.component) {
      case 'dns': {
        const dns = d.id('dns', 'cluster DNS');
        d.send(at, dns, `A? ${t.dns?.query ?? ''}`);
        d.send(dns, at, h.action === 'Dropped' ? 'NXDOMAIN' : (t.dns?.addresses[0] ?? ''), '-->>');
        break;
      }
      case 'pod':
        if (h.action === 'Forwarded') {
          const node = nodeOf(d, h);
          d.send(at, node, `${t.protocol} ${tupleText(h)}`);
          at = node;
        } else {
          const pod = podTarget(d, h);
          if (h.action === 'Delivered') d.send(at, pod, tupleText(h));
          else d.send(at, pod, 'nothing listens: connection refused', '-x');
          at = pod;
        }
        break;
      case 'node':
        if (h.action === 'Delivered') {
          const proc = d.id('host-process', `process on ${h.node ?? ''}`);
          d.send(nodeOf(d, h), proc, tupleText(h));
          at = proc;
        } else {
          const node = nodeOf(d, h);
          d.send(at, node, `${t.protocol} ${tupleText(h)}`);
          at = node;
        }
        break;
      case 'kube-proxy':
        kubeProxy(d, h, src);
        break;
      case 'routing': {
        const node = nodeOf(d, h);
        const to = /^to node (\S+)/.exec(h.summary)?.[1];
        if (to) {
          const next = d.id(`node:${to}`, `node ${to}`);
          d.send(node, next, tupleText(h));
          at = next;
        } else if (h.action === 'Translated') {
          // A rewrite on the way out (natOutgoing): its own words, not a route line.
          d.note(node, h.summary);
        } else {
          d.note(node, h.action === 'Dropped' ? `Dropped: ${h.summary}` : `route: ${h.route ?? h.summary}`);
        }
        break;
      }
      case 'tunnel': {
        const to = /to (\S+)(?: \(no encapsulation\))?$/.exec(h.summary)?.[1] ?? '?';
        const next = d.id(`node:${to}`, `node ${to}`);
        d.send(nodeOf(d, h), next, h.summary);
        at = next;
        break;
      }
      case 'host': {
        const laptop = d.id('laptop', 'host (the laptop)');
        d.send(nodeOf(d, h), laptop, h.summary);
        at = laptop;
        break;
      }
      case 'ingress':
      case 'policy':
        d.note(at, `${h.component}: ${h.summary}`);
        break;
    }
  }
  d.note(at, `${t.result.action}${t.result.reason && t.result.kind !== 'pod' ? `: ${t.result.reason}` : ''}`);
  return d.render();
}

const TEXT = String.raw`(?:[^#;\n]|#\d+;)+`;
const PARTICIPANT = new RegExp(String.raw`^    participant (P\d+) as (${TEXT})$`);
const MESSAGE = new RegExp(String.raw`^    (P\d+)(->>|-->>|-x)(P\d+): (${TEXT})$`);
const NOTE = new RegExp(String.raw`^    Note over (P\d+): (${TEXT})$`);

/**
 * A strict check of the subset `renderTraceMermaid` emits: the header, then
 * participants (declared before use, each once), then messages and notes
 * between declared participants, with text free of raw `;` and `#`. Returns
 * the problems, one per offending line (empty when the diagram is valid).
 */
export function checkMermaidSubset(text: string): string[] {
  const problems: string[] = [];
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines[0] !== 'sequenceDiagram') problems.push('line 1: expected "sequenceDiagram"');
  const declared = new Set<string>();
  let body = false;
  lines.slice(1).forEach((line, i) => {
    const n = i + 2;
    const p = PARTICIPANT.exec(line);
    if (p) {
      if (body) problems.push(`line ${n}: participant after the first message`);
      if (declared.has(p[1] as string)) problems.push(`line ${n}: participant ${p[1]} declared twice`);
      declared.add(p[1] as string);
      return;
    }
    body = true;
    const m = MESSAGE.exec(line);
    const note = m ? undefined : NOTE.exec(line);
    if (!m && !note) {
      problems.push(`line ${n}: not a message or note: ${line}`);
      return;
    }
    for (const id of m ? [m[1], m[3]] : [note?.[1]])
      if (!declared.has(id as string)) problems.push(`line ${n}: undeclared participant ${id}`);
  });
  return problems;
}
