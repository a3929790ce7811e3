/**
 * A stable, sorted text rendering of a `RouteTable` (the knftables
 * `Fake.Dump()` idea): nginx-like `server`/`location` lines, upstreams and
 * diagnostics. Golden tests compare it; `netkube` can print it. Pure.
 */
import type { Location, RouteTable, Server, Upstream } from './types.js';

function locationSyntax(loc: Location): string {
  switch (loc.matcher.kind) {
    case 'exact':
      return `location = "${loc.path}"`;
    case 'prefix':
      return `location "${loc.path}"`;
    case 'element-prefix':
      return `location prefix "${loc.path}"`;
    case 'regex':
      return `location ~* "${loc.matcher.source}"`;
    default:
      return 'location ?';
  }
}

function originText(loc: Location): string {
  const o = loc.origin;
  switch (o.kind) {
    case 'path':
      return `${o.ingress.namespace}/${o.ingress.name} rules[${o.rule}].paths[${o.path}] ${loc.pathType} ${loc.ingressPath}${loc.generated ? ` (${loc.generated})` : ''}`;
    case 'server-default':
      return `${o.ingress.namespace}/${o.ingress.name} server default`;
    case 'catch-all':
      return `${o.ingress.namespace}/${o.ingress.name} defaultBackend`;
    case 'controller':
      return 'controller';
    default:
      return '?';
  }
}

function dumpServer(s: Server): string[] {
  const cert = s.certificate
    ? s.certificate.kind === 'secret'
      ? ` certificate=${s.certificate.namespace}/${s.certificate.name}`
      : ` certificate=default(${s.certificate.why})`
    : '';
  const lines = [`server ${s.hostname} (${s.kind})${s.enforceRegex ? ' regex' : ''}${cert}`];
  for (const loc of s.locations) {
    const backend = loc.backend.kind === 'upstream' ? loc.backend.upstream : 'upstream-default-backend';
    const shadowed = loc.shadowed.map((p) => ` shadows ${p.ingress.namespace}/${p.ingress.name}`).join('');
    lines.push(`  ${locationSyntax(loc)} -> ${backend}  # ${originText(loc)}${shadowed}`);
  }
  return lines;
}

function dumpUpstream(u: Upstream): string {
  const eps = u.endpoints.map((e) => `${e.address}:${e.port}`).join(',') || '-';
  const parts = [`upstream ${u.name} endpoints=${eps}`];
  if (u.problem) parts.push(`problem=${u.problem}`);
  if (u.policy.loadBalance !== 'round_robin') parts.push(`load-balance=${u.policy.loadBalance}`);
  if (u.policy.hashBy) parts.push(`hash-by=${u.policy.hashBy}`);
  if (u.policy.affinity)
    parts.push(`affinity=cookie(${u.policy.affinity.cookieName},${u.policy.affinity.mode})`);
  if (u.alternative) parts.push(`alternative=${u.alternative}`);
  if (u.canary) parts.push(`canary(weight=${u.canary.weight}/${u.canary.weightTotal})`);
  return parts.join(' ');
}

/**
 * What ingress-nginx renders into nginx.conf, so what needs a reload when it
 * changes: servers, their locations and the locations' settings, not the
 * upstreams' endpoints or balancing (`IsDynamicConfigurationEnough`: those
 * reach the Lua balancer without one).
 */
export function reloadSignature(table: RouteTable): string {
  const servers = [...table.servers.values(), ...table.wildcardServers.values()].sort((a, b) =>
    a.hostname < b.hostname ? -1 : 1,
  );
  const lines: string[] = [];
  for (const s of [...servers, table.defaultServer]) {
    lines.push(...dumpServer(s));
    for (const loc of s.locations) lines.push(JSON.stringify(loc.config));
  }
  return lines.join('\n');
}

/** Renders the table as sorted text lines ending in a newline. */
export function dumpRouteTable(table: RouteTable): string {
  const lines: string[] = [`mode ${table.mode}`];
  const servers = [...table.servers.values(), ...table.wildcardServers.values()].sort((a, b) =>
    a.hostname < b.hostname ? -1 : 1,
  );
  for (const s of [...servers, table.defaultServer]) lines.push(...dumpServer(s));
  for (const u of [...table.upstreams.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    lines.push(dumpUpstream(u));
  }
  for (const i of table.ignored) lines.push(`ignored ${i.ingress.namespace}/${i.ingress.name}: ${i.reason}`);
  for (const d of table.diagnostics) {
    lines.push(`diagnostic ${d.kind} ${d.ingress.namespace}/${d.ingress.name}: ${d.message}`);
  }
  return `${lines.join('\n')}\n`;
}
