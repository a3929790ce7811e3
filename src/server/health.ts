/**
 * `/healthz`, `/livez` and `/readyz` as kube-apiserver v1.32 serves them
 * (k8s.io/apiserver `pkg/server/healthz`): `ok`; with `?verbose` one
 * `[+]<check> ok` line per check, in the real server's order, then `<name>
 * check passed`; `?exclude=<check>` (repeatable) marks a check `excluded: ok`
 * and warns about names that match none; `/<endpoint>/<check>` answers that
 * one check. netkube's API is in-process, so every check passes: the names
 * are those of a kubeadm/kind control plane with default feature gates, so
 * scripts that grep for a check find it. Pure: the router sends the text.
 */

/** Checks every endpoint has, in registration order. */
const BASE = ['ping', 'log', 'etcd'] as const;

/** Post-start hooks of a v1.32 kube-apiserver (kubeadm/kind flags, default feature gates). */
const POST_START_HOOKS = [
  'start-apiserver-admission-initializer',
  'generic-apiserver-start-informers',
  'priority-and-fairness-config-consumer',
  'priority-and-fairness-filter',
  'storage-object-count-tracker-hook',
  'start-apiextensions-informers',
  'start-apiextensions-controllers',
  'crd-informer-synced',
  'start-system-namespaces-controller',
  'start-cluster-authentication-info-controller',
  'start-kube-apiserver-identity-lease-controller',
  'start-kube-apiserver-identity-lease-garbage-collector',
  'start-legacy-token-tracking-controller',
  'start-service-ip-repair-controllers',
  'rbac/bootstrap-roles',
  'scheduling/bootstrap-system-priority-classes',
  'priority-and-fairness-config-producer',
  'bootstrap-controller',
  'aggregator-reload-proxy-client-cert',
  'start-kube-aggregator-informers',
  'apiservice-status-local-available-controller',
  'apiservice-status-remote-available-controller',
  'apiservice-registration-controller',
  'apiservice-discovery-controller',
  'kube-apiserver-autoregistration',
].map((h) => `poststarthook/${h}`);

/** The aggregator's boot-sequence check and the OpenAPI hooks registered after it. */
const AFTER_AUTOREGISTER = [
  'autoregister-completion',
  'poststarthook/apiservice-openapi-controller',
  'poststarthook/apiservice-openapiv3-controller',
];

export type HealthEndpoint = 'healthz' | 'livez' | 'readyz';

/** The checks of an endpoint, in the order kube-apiserver prints them. */
export function healthChecks(endpoint: HealthEndpoint): string[] {
  const ready = endpoint === 'readyz';
  return [
    ...BASE,
    ...(ready ? ['etcd-readiness', 'informer-sync'] : []),
    ...POST_START_HOOKS,
    ...AFTER_AUTOREGISTER,
    ...(ready ? ['shutdown'] : []),
  ];
}

/**
 * The body of `GET /<endpoint>[/<check>]`, or undefined for a check the
 * endpoint does not have (the router answers 404).
 */
export function healthResponse(
  endpoint: HealthEndpoint,
  check: string | undefined,
  query: URLSearchParams,
): string | undefined {
  const checks = healthChecks(endpoint);
  if (check !== undefined) return checks.includes(check) ? 'ok' : undefined;
  if (!query.has('verbose')) return 'ok';
  const excluded = new Set(query.getAll('exclude'));
  const lines = checks.map((c) => {
    if (!excluded.has(c)) return `[+]${c} ok\n`;
    excluded.delete(c);
    return `[+]${c} excluded: ok\n`;
  });
  if (excluded.size > 0) {
    const names = [...excluded]
      .sort()
      .map((n) => JSON.stringify(n))
      .join(',');
    lines.push(`warn: some health checks cannot be excluded: no matches for ${names}\n`);
  }
  return `${lines.join('')}${endpoint} check passed\n`;
}
