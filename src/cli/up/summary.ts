/**
 * What `netkube up` prints once the cluster is ready: the nodes, the Services
 * reachable from the laptop, and the commands to try (curl a NodePort, dig the
 * cluster DNS, go through the SOCKS gateway, point kubectl at the kubeconfig).
 */
import type { EndpointSlice, KubeObject, Service } from '../../api/types.js';
import { isPodReady, podsForService } from '../../controllers/service/index.js';
import type { Readiness } from '../../emulator/readiness.js';
import type { EmulatorStatus } from '../../emulator/routes.js';
import type { ObjectStore } from '../../store/object-store.js';
import { alignTabs, TABLE_TABWRITER } from '../printers/tabwriter.js';

function formatTable(rows: readonly (readonly string[])[]): string {
  return alignTabs(rows.map((r) => `${r.join('\t')}\n`).join(''), TABLE_TABWRITER);
}

/**
 * `namespace/name` of every Service that answers: one with a selector that selects a
 * Ready pod (read from the pods, since its EndpointSlice may not be written yet when
 * the pods turn Ready), or one without a selector whose own slices hold a ready endpoint.
 */
export function servedServices(store: ObjectStore, services: readonly (Service & KubeObject)[]): Set<string> {
  const served = new Set<string>();
  for (const s of services) {
    if (s.spec?.selector && podsForService(store, s).some(isPodReady))
      served.add(`${s.metadata.namespace}/${s.metadata.name}`);
  }
  for (const slice of store.list<EndpointSlice & KubeObject>('endpointslices')) {
    const service = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (service && (slice.endpoints ?? []).some((e) => e.conditions?.ready !== false))
      served.add(`${slice.metadata.namespace}/${service}`);
  }
  return served;
}

export interface SummaryInput {
  readonly status: EmulatorStatus;
  readonly services: readonly (Service & KubeObject)[];
  /** `namespace/name` of the Services with a ready endpoint: only those are suggested to curl. */
  readonly served?: ReadonlySet<string>;
  readonly readiness: Readiness;
  readonly kubeconfig: string;
  readonly elapsedMs: number;
}

function ports(svc: Service): string {
  return (svc.spec?.ports ?? [])
    .map((p) =>
      p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`,
    )
    .join(',');
}

/** Ports of protocols that are not HTTP, probed with `nc -vz` instead of curl. */
const NOT_HTTP = new Set([
  21, 22, 23, 25, 53, 110, 143, 389, 1433, 1521, 2181, 3306, 5432, 5672, 6379, 9042, 9092, 11211, 27017,
]);

type PortSpec = NonNullable<NonNullable<Service['spec']>['ports']>[number];

/** What a Service port serves, judged from its name, appProtocol, port and targetPort. */
function portKind(spec: PortSpec): 'http' | 'https' | 'tcp' {
  const target = typeof spec.targetPort === 'number' ? spec.targetPort : spec.port;
  const app = (spec.appProtocol ?? spec.name ?? '').toLowerCase();
  if (app === 'https' || app.startsWith('https-') || spec.port === 443 || spec.port === 8443) return 'https';
  if (app.startsWith('http') || !(NOT_HTTP.has(spec.port) || NOT_HTTP.has(target))) return 'http';
  return 'tcp';
}

/**
 * The command that exercises one Service port at `host:port` (the port may be a
 * NodePort): curl for HTTP(S), nc for anything else; through SOCKS when given.
 */
function probe(host: string, port: number, spec: PortSpec, socks?: string): string {
  const kind = portKind(spec);
  if (kind === 'tcp') return socks ? `nc -X 5 -x ${socks} -vz ${host} ${port}` : `nc -vz ${host} ${port}`;
  const url = `${kind}://${host}${port === (kind === 'https' ? 443 : 80) ? '' : `:${port}`}/`;
  return `curl ${kind === 'https' ? '-k ' : ''}${socks ? `--socks5-hostname ${socks} ` : ''}${url}`;
}

function firstTcpPort(s: Service): PortSpec | undefined {
  return s.spec?.ports?.find((p) => (p.protocol ?? 'TCP') === 'TCP');
}

/** The ready summary (several lines, ending in a newline). */
export function summaryText(input: SummaryInput): string {
  const { status, services, readiness } = input;
  const lines: string[] = [];
  const secs = (input.elapsedMs / 1000).toFixed(1);
  lines.push(
    `netkube "${status.name}" is ready in ${secs}s: ${readiness.nodes.ready} nodes, ${readiness.pods.ready}/${readiness.pods.total} pods ready`,
    '',
  );
  lines.push(
    formatTable([
      ['NODE', 'ROLE', 'ADDRESS', 'STATUS'],
      ...status.nodes.map((n) => [
        n.name,
        n.role,
        n.address,
        n.stopped ? 'Stopped' : n.ready ? 'Ready' : 'NotReady',
      ]),
    ]).trimEnd(),
    '',
  );
  const exposed = services.filter(
    (s) =>
      s.spec?.type === 'NodePort' ||
      s.spec?.type === 'LoadBalancer' ||
      (s.spec?.externalIPs ?? []).length > 0,
  );
  if (exposed.length) {
    lines.push(
      formatTable([
        ['SERVICE', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)'],
        ...exposed.map((s) => [
          `${s.metadata.namespace}/${s.metadata.name}`,
          s.spec?.type ?? 'ClusterIP',
          s.spec?.clusterIP ?? '',
          [
            ...(s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? ''),
            ...(s.spec?.externalIPs ?? []),
          ].join(',') || '<none>',
          ports(s),
        ]),
      ]).trimEnd(),
      '',
    );
  }
  const unbound = exposed.flatMap((svc) =>
    (svc.spec?.externalIPs ?? []).filter((ip) => !ip.startsWith('127.')).map((ip) => ({ svc, ip })),
  );
  for (const { svc, ip } of unbound)
    lines.push(
      `${ip} (externalIP of ${svc.metadata.namespace}/${svc.metadata.name}) is not a loopback address, so it is not bound here: reach it from pods, with \`netkube curl --from node/NAME\` or through the SOCKS gateway.`,
    );
  if (unbound.length) lines.push('');
  lines.push('Try:');
  const served = (s: Service & KubeObject) =>
    input.served === undefined || input.served.has(`${s.metadata.namespace}/${s.metadata.name}`);
  const worker = status.nodes.find((n) => n.role !== 'control-plane') ?? status.nodes[0];
  for (const s of exposed.filter(served)) {
    const name = `${s.metadata.namespace}/${s.metadata.name}`;
    const np = (s.spec?.ports ?? []).find((p) => p.nodePort && (p.protocol ?? 'TCP') === 'TCP');
    if (np?.nodePort && worker)
      lines.push(`  ${probe(worker.address, np.nodePort, np)}            # ${name} through a NodePort`);
    const lb = s.status?.loadBalancer?.ingress?.[0]?.ip;
    const port = firstTcpPort(s);
    if (lb && port)
      lines.push(`  ${probe(lb, port.port, port)}            # ${name} through its LoadBalancer IP`);
  }
  const candidates = services.filter(
    (s) =>
      s.metadata.namespace === 'default' &&
      s.metadata.name !== 'kubernetes' &&
      s.spec?.type !== 'ExternalName',
  );
  const httpPort = (c: Service) => {
    const p = firstTcpPort(c);
    return p !== undefined && portKind(p) !== 'tcp';
  };
  const internal =
    candidates.find((c) => served(c) && httpPort(c)) ?? candidates.find(served) ?? candidates[0];
  if (internal && status.dns) {
    lines.push(
      `  dig @${status.dns.host} -p ${status.dns.port} ${internal.metadata.name}.default.svc.cluster.local +short   # cluster DNS`,
    );
  }
  const internalPort = internal && firstTcpPort(internal);
  if (internal && internalPort && served(internal) && status.socks) {
    const host = `${internal.metadata.name}.default.svc.cluster.local`;
    const socks = `${status.socks.host}:${status.socks.port}`;
    lines.push(`  ${probe(host, internalPort.port, internalPort, socks)}   # a ClusterIP from the laptop`);
  }
  lines.push(`  npx netkube get pods -o wide${status.name === 'default' ? '' : ` --name ${status.name}`}`);
  lines.push(`  KUBECONFIG=${input.kubeconfig} kubectl get svc,endpointslices`);
  if (readiness.stuck.length) {
    lines.push('', 'Not ready (these need a change to recover):', ...readiness.stuck.map((s) => `  ${s}`));
  }
  return `${lines.join('\n')}\n`;
}
