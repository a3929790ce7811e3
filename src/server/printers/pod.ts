/**
 * The Pod printer (upstream `printPod`): READY counts ready running containers
 * (and started restartable init containers), STATUS is the phase overridden by
 * `status.reason`, init-container progress (`Init:0/1`, `Init:CrashLoopBackOff`),
 * container waiting/terminated reasons, and `Terminating` while a deletion is
 * pending; RESTARTS adds `(5m ago)` from the latest termination.
 */
import type { ContainerStatus, KubeObject, Pod, Typed } from '../../api/index.js';
import { since, timeOf } from './format.js';
import {
  AGE_COLUMN,
  column,
  type KindPrinter,
  NAME_COLUMN,
  type PrintedRow,
  type TableRowCondition,
  text,
  WIDE,
} from './types.js';

const COLUMNS = [
  NAME_COLUMN,
  column('Ready', 'string', text('The aggregate readiness state of this pod for accepting traffic.')),
  column('Status', 'string', text('The aggregate status of the containers in this pod.')),
  column(
    'Restarts',
    'string',
    text(
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
  ),
  AGE_COLUMN,
  column('IP', 'string', 'podIP', WIDE),
  column('Node', 'string', 'nodeName', WIDE),
  column('Nominated Node', 'string', 'nominatedNodeName', WIDE),
  column('Readiness Gates', 'string', 'readinessGates', WIDE),
];

const SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const FAILED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

/** Why a pod whose node became unreachable shows `Unknown` (k8s.io/kubernetes/pkg/util/node). */
const NODE_UNREACHABLE_REASON = 'NodeLost';

interface Counters {
  restarts: number;
  lastRestart: number | undefined;
}

function noteRestart(c: Counters, status: ContainerStatus): void {
  c.restarts += status.restartCount ?? 0;
  const finished = timeOf(status.lastState?.terminated?.finishedAt);
  if (finished !== undefined && (c.lastRestart === undefined || c.lastRestart < finished))
    c.lastRestart = finished;
}

function terminatedText(prefix: string, t: { reason?: string; signal?: number; exitCode?: number }): string {
  if (t.reason) return `${prefix}${t.reason}`;
  if (t.signal) return `${prefix}Signal:${t.signal}`;
  return `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

/** Init containers: returns the reason when initialization is still in progress or failed. */
function initStatus(
  pod: Typed<Pod>,
  all: Counters,
  sidecars: Counters,
  ready: { n: number },
): string | undefined {
  const restartable = new Set(
    (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name),
  );
  const total = pod.spec?.initContainers?.length ?? 0;
  const statuses = pod.status?.initContainerStatuses ?? [];
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i] as ContainerStatus;
    noteRestart(all, s);
    if (restartable.has(s.name)) noteRestart(sidecars, s);
    const term = s.state?.terminated;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (restartable.has(s.name) && s.started === true) {
      if (s.ready) ready.n++;
      continue;
    }
    if (term) return terminatedText('Init:', term);
    const waiting = s.state?.waiting?.reason;
    if (waiting && waiting !== 'PodInitializing') return `Init:${waiting}`;
    return `Init:${i}/${total}`;
  }
  return undefined;
}

function podStatus(pod: Typed<Pod>): { reason: string; ready: number; total: number; counters: Counters } {
  const phase = pod.status?.phase ?? '';
  let reason = pod.status?.reason || phase;
  if (
    (pod.status?.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')
  ) {
    reason = 'SchedulingGated';
  }
  const sidecarCount = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').length;
  const total = (pod.spec?.containers?.length ?? 0) + sidecarCount;
  const all: Counters = { restarts: 0, lastRestart: undefined };
  const sidecars: Counters = { restarts: 0, lastRestart: undefined };
  const ready = { n: 0 };
  const init = initStatus(pod, all, sidecars, ready);
  const initialized = (pod.status?.conditions ?? []).some(
    (c) => c.type === 'Initialized' && c.status === 'True',
  );
  let counters = all;
  if (init !== undefined) reason = init;
  if (init === undefined || initialized) {
    counters = sidecars;
    let hasRunning = false;
    const statuses = pod.status?.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const s = statuses[i] as ContainerStatus;
      noteRestart(counters, s);
      const term = s.state?.terminated;
      if (s.state?.waiting?.reason) reason = s.state.waiting.reason;
      else if (term) reason = terminatedText('', term);
      else if (s.ready && s.state?.running) {
        hasRunning = true;
        ready.n++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) {
    if (pod.status?.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }
  return { reason, ready: ready.n, total, counters };
}

function readinessGates(pod: Typed<Pod>): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const ok = gates.filter(
    (g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True',
  ).length;
  return `${ok}/${gates.length}`;
}

function podRow(obj: KubeObject, now: number): PrintedRow {
  const pod = obj as Typed<Pod>;
  const { reason, ready, total, counters } = podStatus(pod);
  let restarts = String(counters.restarts);
  if (counters.restarts !== 0 && counters.lastRestart !== undefined) {
    restarts = `${counters.restarts} (${since(new Date(counters.lastRestart).toISOString(), now)} ago)`;
  }
  const cells = [
    pod.metadata.name ?? '',
    `${ready}/${total}`,
    reason,
    restarts,
    since(pod.metadata.creationTimestamp, now),
    pod.status?.podIPs?.[0]?.ip || '<none>',
    pod.spec?.nodeName || '<none>',
    pod.status?.nominatedNodeName || '<none>',
    readinessGates(pod),
  ];
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return { cells, conditions: SUCCEEDED };
  if (phase === 'Failed') return { cells, conditions: FAILED };
  return { cells };
}

/** Upstream's pod printer (columns and row cells). */
export const podPrinter: KindPrinter = { columns: COLUMNS, row: podRow };
