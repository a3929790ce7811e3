/**
 * What a command of the safe in-pod set can see: its arguments and streams, and
 * the container it runs in (filesystem, pod identity, network through the
 * emulated dataplane, clock). Nothing here reaches the host.
 */
import type { Clock } from '../../util/clock.js';
import type { PodNetwork } from '../types.js';
import type { ToolSet } from './toolset.js';
import type { VirtualFs } from './vfs.js';

/** Pure formatters for `ip addr` / `ip route` output (the CNI part supplies Calico's). */
export interface IpFormatter {
  addr(pod: ExecPod): string;
  route(pod: ExecPod): string;
}

/** The pod a command runs in. */
export interface ExecPod {
  readonly name: string;
  readonly namespace: string;
  readonly ip: string;
  readonly hostname: string;
  readonly nodeName: string;
  /** Fully qualified hostname when the pod sets `subdomain`. */
  readonly fqdn?: string;
}

/** Cluster DNS settings written to resolv.conf. */
export interface DnsConfig {
  readonly nameserver: string;
  readonly clusterDomain: string;
}

/** The container side of a command run. */
export interface ExecSystem {
  readonly pod: ExecPod;
  readonly tools: ToolSet;
  readonly fs: VirtualFs;
  readonly clock: Clock;
  readonly network: PodNetwork;
  readonly dns: DnsConfig;
  /** Longest a single `sleep` may wait (exec and probes are bounded; a container's own script is not). */
  readonly maxSleepMs: number;
  /** Aborted when the run must stop (timeout, container killed). */
  readonly signal: AbortSignal;
  readonly ipFormatter: IpFormatter | undefined;
  /** A second within the container, for process ids and uptime. */
  readonly startedAt: number;
  /** The container's image reference (`curlimages/curl:8.10.1`), when known: tools read their version from it. */
  readonly image?: string | undefined;
}

/** One invocation of a command. */
export interface CommandContext {
  readonly argv: readonly string[];
  readonly stdin: string;
  readonly env: ReadonlyMap<string, string>;
  readonly cwd: string;
  readonly system: ExecSystem;
  out(text: string): void;
  err(text: string): void;
}

/** A command of the safe set: returns its exit status. */
export type CommandImpl = (c: CommandContext) => number | Promise<number>;

/** Raised inside a run when `signal` aborts; the caller maps it to a timeout or kill. */
export class ExecAborted extends Error {}

/** Waits `ms` on the system clock, rejecting with `ExecAborted` if the run is aborted. */
export function execSleep(system: ExecSystem, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (system.signal.aborted) {
      reject(new ExecAborted());
      return;
    }
    const onAbort = () => {
      system.clock.clearTimeout(handle);
      reject(new ExecAborted());
    };
    const handle = system.clock.setTimeout(() => {
      system.signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    handle.unref();
    system.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Races a promise against the run's abort signal. */
export function untilAborted<T>(system: ExecSystem, promise: Promise<T>): Promise<T> {
  if (system.signal.aborted) return Promise.reject(new ExecAborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ExecAborted());
    system.signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        system.signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        system.signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** kubelet-managed `/etc/resolv.conf` for a ClusterFirst pod. */
export function resolvConf(pod: ExecPod, dns: DnsConfig): string {
  const d = dns.clusterDomain;
  return `search ${pod.namespace}.svc.${d} svc.${d} ${d}\nnameserver ${dns.nameserver}\noptions ndots:5\n`;
}

/** kubelet-managed `/etc/hosts` (managedHostsFileContent). */
export function hostsFile(pod: ExecPod): string {
  const own = pod.fqdn ? `${pod.ip}\t${pod.fqdn}\t${pod.hostname}\n` : `${pod.ip}\t${pod.hostname}\n`;
  return (
    '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' +
    'fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n' +
    own
  );
}
