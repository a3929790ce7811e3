/**
 * The ingress part's netkube API routes (under `/apis/netkube.dev/v1alpha1`):
 *
 * - `POST /namespaces/:ns/secrets/tls-selfsigned` with `{ "name", "hosts" }`:
 *   creates a `kubernetes.io/tls` Secret with a fresh self-signed certificate
 *   for `hosts`, for demos (`netkube create secret tls-selfsigned`); 201 with
 *   the Secret. The same name twice is a 409 AlreadyExists.
 * - `GET /ingress/routes`: the ingress controller's route table as text
 *   (`dumpRouteTable`), compiled from the current cluster state.
 */
import { badRequest } from '../api/errors.js';
import { isDNS1123Subdomain, isWildcardDNS1123Subdomain } from '../api/validation/strings.js';
import type { ExtensionRoute } from '../server/extensions.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Registry } from '../store/registry.js';
import type { Clock } from '../util/clock.js';
import { snapshotFromView, storeClusterView } from './app/cluster-view.js';
import { selfSignedTlsSecret } from './certs.js';
import { compileIngress } from './compile.js';
import { dumpRouteTable } from './dump.js';
import type { ClassOptions } from './ingress-class.js';

export interface IngressRoutesConfig {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly classes?: Partial<ClassOptions>;
}

/** Validates the body of a tls-selfsigned request; returns the name and hosts. */
export function parseSelfSignedRequest(body: unknown): { name: string; hosts: string[] } {
  const b = (body ?? {}) as { name?: unknown; hosts?: unknown };
  if (typeof b.name !== 'string' || b.name === '') throw badRequest('name is required');
  if (isDNS1123Subdomain(b.name).length > 0)
    throw badRequest(`invalid name "${b.name}": must be a DNS subdomain`);
  if (!Array.isArray(b.hosts) || b.hosts.length === 0) throw badRequest('hosts must list at least one host');
  const hosts: string[] = [];
  for (const h of b.hosts) {
    const host = String(h).toLowerCase();
    const errs = host.startsWith('*.') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
    if (errs.length > 0) throw badRequest(`invalid host "${host}": ${errs.join('; ')}`);
    hosts.push(host);
  }
  return { name: b.name, hosts };
}

/** The extension routes of the ingress part, for the server to register. */
export function ingressExtensionRoutes(config: IngressRoutesConfig): ExtensionRoute[] {
  return [
    {
      method: 'POST',
      path: '/namespaces/:ns/secrets/tls-selfsigned',
      async handle(req) {
        const { name, hosts } = parseSelfSignedRequest(req.body);
        const secret = await selfSignedTlsSecret(hosts, req.params.ns ?? 'default', name, {
          now: config.clock.now(),
        });
        return { kind: 'json', status: 201, body: config.registry.create(secret) };
      },
    },
    {
      method: 'GET',
      path: '/ingress/routes',
      handle() {
        const table = compileIngress(snapshotFromView(storeClusterView(config.store)), {
          ...(config.classes ? { classes: config.classes } : {}),
        });
        return { kind: 'text', body: dumpRouteTable(table) };
      },
    },
  ];
}
