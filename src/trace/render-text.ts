/**
 * The trace as text for people (`netkube trace`, the default output): a
 * header naming who talks to what, one numbered block per hop with the rules
 * that matched (iptables TRACE lines, hashed chain and Service name side by
 * side), the candidates and their probabilities, the route line, then the
 * result, the address the receiver sees and why.
 */
import type { Tuple } from '../dataplane/path.js';
import { servicePortNameString } from '../proxy/naming.js';
import type { Trace, TraceCandidate, TraceHop, TraceService, TraceSource } from './model.js';

function addr(a: { ip: string; port: number }): string {
  return `${a.ip}:${a.port}`;
}

function tuple(t: Tuple): string {
  return `${addr(t.src)} → ${addr(t.dst)}`;
}

/** `pod default/client (10.244.1.9:41234)`. */
export function sourceText(s: TraceSource): string {
  if (s.kind === 'pod') return `pod ${s.namespace}/${s.name} (${s.ip}:${s.port}) on ${s.node}`;
  if (s.kind === 'node') return `node ${s.node} (${s.ip}:${s.port})`;
  return `host (${s.ip}:${s.port})`;
}

function percent(p: number): string {
  const v = Math.round(p * 1000) / 10;
  return `${Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)}%`;
}

function candidateLines(cands: readonly TraceCandidate[]): string[] {
  const width = Math.max(...cands.map((c) => c.endpoint.length));
  return cands.map((c) => {
    const who = c.pod ? `  ${c.pod.namespace}/${c.pod.name} on ${c.pod.node}` : '';
    return `      ${c.chosen ? '*' : ' '} ${c.endpoint.padEnd(width)}  ${percent(c.probability).padStart(6)}${who}`;
  });
}

function hopLines(h: TraceHop): string[] {
  const where = h.node ? ` ${h.node}` : '';
  const lines = [`${String(h.step).padStart(2)}. ${h.component}${where}: ${h.action} — ${h.summary}`];
  for (const note of h.notes ?? []) lines.push(`      ${note}`);
  for (const r of h.rules ?? []) {
    lines.push(`      ${r.trace}${r.service ? `  (${r.service})` : ''}`);
    lines.push(`        ${r.text}`);
  }
  if (h.candidates && h.candidates.length > 1) {
    lines.push('      candidates (* = this trace):');
    lines.push(...candidateLines(h.candidates));
  }
  if (h.route && !h.summary.includes(h.route)) lines.push(`      route: ${h.route}`);
  return lines;
}

function resultLine(t: Trace): string {
  const r = t.result;
  switch (r.kind) {
    case 'pod':
      return `Delivered to pod ${r.pod?.namespace}/${r.pod?.name} (${t.seen ? addr(t.seen.dst) : r.pod?.ip}) on ${r.pod?.node}`;
    case 'host':
      return `Delivered to ${r.host ? addr(r.host) : ''} outside the pod network (${r.reason ?? ''})`;
    case 'refused':
      return `Rejected: ${r.reason ?? ''} (the client sees connection refused)`;
    case 'dropped':
      return `Dropped: ${r.reason ?? ''} (the client times out)`;
    case 'unresolved':
      return `Dropped: ${r.reason ?? ''}`;
  }
}

/**
 * The Service port as kube-proxy names it (`ServicePortName.String()`): `default/web:http`,
 * or `default/web` for a Service's single unnamed port.
 */
export function serviceText(s: TraceService): string {
  return servicePortNameString(s.namespace, s.name, s.port);
}

/** Renders a trace as text; ends with a newline. */
export function renderTraceText(t: Trace): string {
  const out: string[] = [];
  const dst = t.destination;
  const named = !dst.ip || dst.input === addr(dst) ? dst.input : `${dst.input} (${addr(dst)})`;
  out.push(`Trace:   ${sourceText(t.source)} → ${named} ${t.protocol}`);
  if (t.service) out.push(`Service: ${serviceText(t.service)} (${t.service.type})`);
  if (t.ingress) {
    const via = t.ingress.ingress ? ` by Ingress ${t.ingress.ingress}` : '';
    out.push(
      `Ingress: ${t.ingress.host}${t.ingress.path} → ${t.ingress.upstream ?? t.ingress.status ?? t.ingress.action}${via}`,
    );
  }
  out.push(`Seed:    ${t.seed}`);
  out.push('');
  for (const h of t.hops) out.push(...hopLines(h));
  out.push('');
  out.push(`Result:  ${resultLine(t)}`);
  if (t.seen) out.push(`Seen:    the receiver sees ${tuple(t.seen)}`);
  if (t.ingress?.client)
    out.push(
      `Client:  the ingress controller saw ${addr(t.ingress.client)}; it sends ${t.ingress.client.ip} upstream as X-Real-IP and X-Forwarded-For`,
    );
  if (t.result.kind === 'pod' || t.result.kind === 'host')
    out.push(`SNAT:    ${t.masquerade.applied ? 'yes' : 'no'} — ${t.masquerade.explanation}`);
  out.push(`Verdict: ${t.verdict}`);
  return `${out.join('\n')}\n`;
}
