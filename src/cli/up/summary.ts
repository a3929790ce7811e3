/**
 * What `netkube up` prints once the cluster is ready: the nodes, the Services
 * reachable from the laptop, and the commands to try (curl a NodePort, dig the
 * cluster DNS, go through the SOCKS gateway, point kubectl at the kubeconfig).
 */
import type { KubeObject, Service } from '../../api/types.js';
import type { Readiness } from '../../emulator/readiness.js';
import type { EmulatorStatus } from '../../emulator/routes.js';
import { alignTabs, TABLE_TABWRITER } from '../printers/tabwriter.js';

function formatTable(rows: readonly (readonly string[])[]): string {
  return alignTabs(rows.map((r) => `${r.join('\t')}\n`).join(''), TABLE_TABWRITER);
}

export interface SummaryInput {
  readonly status: EmulatorStatus;
  readonly services: readonly (Service & KubeObject)[];
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
  lines.push('Try:');
  const worker = status.nodes.find((n) => n.role !== 'control-plane') ?? status.nodes[0];
  for (const s of exposed) {
    const http = (s.spec?.ports ?? []).find((p) => p.nodePort && (p.protocol ?? 'TCP') === 'TCP');
    if (http && worker)
      lines.push(
        `  curl http://${worker.address}:${http.nodePort}/            # ${s.metadata.namespace}/${s.metadata.name} through a NodePort`,
      );
    const lb = s.status?.loadBalancer?.ingress?.[0]?.ip;
    const port = s.spec?.ports?.[0]?.port;
    if (lb && port)
      lines.push(
        `  curl http://${lb}:${port}/            # ${s.metadata.namespace}/${s.metadata.name} through its LoadBalancer IP`,
      );
  }
  const internal = services.find(
    (s) =>
      s.metadata.namespace === 'default' &&
      s.metadata.name !== 'kubernetes' &&
      s.spec?.type !== 'ExternalName',
  );
  if (internal && status.dns) {
    lines.push(
      `  dig @${status.dns.host} -p ${status.dns.port} ${internal.metadata.name}.default.svc.cluster.local +short   # cluster DNS`,
    );
  }
  if (internal && status.socks) {
    lines.push(
      `  curl --socks5-hostname ${status.socks.host}:${status.socks.port} http://${internal.metadata.name}.default.svc.cluster.local/   # a ClusterIP from the laptop`,
    );
  }
  lines.push(`  npx netkube get pods -o wide${status.name === 'default' ? '' : ` --name ${status.name}`}`);
  lines.push(`  KUBECONFIG=${input.kubeconfig} kubectl get svc,endpointslices`);
  if (readiness.stuck.length) {
    lines.push('', 'Not ready (these need a change to recover):', ...readiness.stuck.map((s) => `  ${s}`));
  }
  return `${lines.join('\n')}\n`;
}
