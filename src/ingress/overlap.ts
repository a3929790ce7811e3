/**
 * ingress-nginx's admission overlap check (controller.go `CheckIngress` →
 * `checkOverlap`): the controller builds its servers from every Ingress it
 * serves, with the checked Ingress in place of its stored version, and
 * refuses the Ingress when one of its host+path pairs is a location owned by
 * another Ingress — unless exactly one of the two is a canary. Pure.
 *
 * The check is as narrow as upstream's: only the first path (in rule order)
 * that is a location of any Ingress decides; an Ingress that owns that
 * location itself (an update of the oldest owner) passes; paths with a
 * resource backend and the default-backend `/` locations are skipped; the
 * pathType is not compared; an Ingress without any annotation and a
 * `canary: "false"` one differ (upstream compares ErrMissingAnnotations).
 */
import { parseGoBool } from './annotation-values.js';
import { compileIngress } from './compile.js';
import type { ClassOptions, IngressClassObject, IngressObject } from './ingress-class.js';
import type { IngressRef, RouteTable } from './types.js';

const CANARY = 'nginx.ingress.kubernetes.io/canary';
/** A creationTimestamp newer than every stored one (the API server sets "now" before admission). */
const NEWEST = '9999-12-31T23:59:59Z';

/** What `parser.GetBoolAnnotation("canary")` gives: missing, invalid, or a value. */
function canaryOf(ing: IngressObject): 'missing' | 'invalid' | boolean {
  const v = ing.metadata.annotations?.[CANARY];
  if (v === undefined) return 'missing';
  return parseGoBool(v) ?? 'invalid';
}

/** The Ingresses owning the locations of `host` with Ingress path `path` (ingressForHostPath). */
function ingressesForHostPath(table: RouteTable, host: string, path: string): IngressRef[] {
  const server =
    host === '_' ? table.defaultServer : (table.servers.get(host) ?? table.wildcardServers.get(host));
  const out: IngressRef[] = [];
  for (const loc of server?.locations ?? []) {
    if (loc.generated || (loc.ingressPath || '/') !== path) continue;
    if (loc.origin.kind === 'path' || loc.origin.kind === 'catch-all') out.push(loc.origin.ingress);
  }
  return out;
}

export interface OverlapInput {
  /** The Ingress being admitted. */
  readonly ingress: IngressObject;
  /** Every stored Ingress (the checked one's stored version is replaced). */
  readonly ingresses: readonly IngressObject[];
  readonly ingressClasses: readonly IngressClassObject[];
  readonly classes: Partial<ClassOptions>;
}

/**
 * The webhook's overlap error for `input.ingress` (without the
 * `admission webhook … denied the request: ` prefix), or undefined.
 */
export function overlapError(input: OverlapInput): string | undefined {
  const ing = input.ingress;
  const ns = ing.metadata.namespace ?? 'default';
  const name = ing.metadata.name ?? '';
  const checked: IngressObject = ing.metadata.creationTimestamp
    ? ing
    : { ...ing, metadata: { ...ing.metadata, creationTimestamp: NEWEST } };
  const others = input.ingresses.filter(
    (o) => !((o.metadata.namespace ?? 'default') === ns && o.metadata.name === name),
  );
  const table = compileIngress(
    {
      ingresses: [...others, checked],
      ingressClasses: input.ingressClasses,
      services: [],
      endpointSlices: [],
      secrets: [],
    },
    { classes: input.classes },
  );
  const byKey = new Map(
    input.ingresses.map((o) => [`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, o]),
  );
  const canary = canaryOf(ing);
  for (const rule of ing.spec?.rules ?? []) {
    if (!rule.http) continue;
    const host = rule.host || '_';
    for (const p of rule.http.paths ?? []) {
      if (!p.backend?.service) continue;
      const path = p.path || '/';
      const existing = ingressesForHostPath(table, host.toLowerCase(), path);
      if (existing.length === 0) continue;
      if (existing.some((e) => e.namespace === ns && e.name === name)) return undefined;
      for (const e of existing) {
        const obj = byKey.get(`${e.namespace}/${e.name}`);
        const other = obj ? canaryOf(obj) : 'missing';
        if ((canary === true && other === true) || (canary === 'missing' && other === 'missing')) {
          return `host "${host}" and path "${path}" is already defined in ingress ${e.namespace}/${e.name}`;
        }
      }
      return undefined;
    }
  }
  return undefined;
}
