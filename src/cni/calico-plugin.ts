/**
 * The Calico CNI plugin (`calico` + `calico-ipam`) as the kubelet's
 * NetworkPlugin. CNI ADD: the node's tunnel addresses first (what calico/node
 * does at start-up), then the pod's address: the one named by the pod
 * annotation `cni.projectcalico.org/ipAddrs` (Calico `AssignIP`), or an
 * automatic one from the pools named by `cni.projectcalico.org/ipv4pools`
 * (pod annotation, else namespace annotation, else every pool selecting the
 * node). The handle is `k8s-pod-network.<containerID>`, the attributes
 * `namespace`, `node`, `pod`, `timestamp` (reference calico.md §1.8).
 *
 * The rest of the attach (veth, `/32` route, borrowed-address routes) follows
 * from the IPAMBlock write: the NetworkReadModel picks it up from the store.
 *
 * netkube does not write Calico's pod annotations (`cni.projectcalico.org/podIP`,
 * `podIPs`, `containerID`): the kubelet owns the Pod object's writes here.
 */
import type { Pod } from '../api/types.js';
import type { NetworkPlugin } from '../controllers/kubelet/runtime.js';
import type { CalicoIpam } from '../ipam/allocator.js';
import { IpamError, PoolExhaustedError } from '../ipam/errors.js';
import { reconcileTunnelAddresses } from '../ipam/node-addresses.js';
import type { Logger } from '../log/index.js';
import type { Clock } from '../util/clock.js';
import { NetkubeError } from '../util/errors.js';
import { CALICO_NETWORK_NAME, podHandleID } from './container-id.js';
import { PodNetworkSetupError } from './errors.js';

/** Pod annotation naming the address(es) a pod must get. */
export const IP_ADDRS_ANNOTATION = 'cni.projectcalico.org/ipAddrs';
/** Pod or namespace annotation naming the IPv4 pools to allocate from. */
export const IPV4_POOLS_ANNOTATION = 'cni.projectcalico.org/ipv4pools';

export interface CalicoNetworkPluginConfig {
  readonly ipam: CalicoIpam;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A malformed Calico annotation. */
class AnnotationError extends NetkubeError {
  constructor(message: string) {
    super('ERR_CNI_ANNOTATION', message);
  }
}

/** Go's `time.Now().UTC().String()`: `2026-01-01 00:00:00.123 +0000 UTC`. */
export function goTimeString(ms: number): string {
  const iso = new Date(ms).toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC`;
}

function parseStringList(value: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new AnnotationError(`failed to parse '${value}' as JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) {
    throw new AnnotationError(`failed to parse '${value}' as JSON: expected an array of strings`);
  }
  return parsed;
}

export class CalicoNetworkPlugin implements NetworkPlugin {
  readonly #ipam: CalicoIpam;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(config: CalicoNetworkPluginConfig) {
    this.#ipam = config.ipam;
    this.#clock = config.clock;
    this.#logger = config.logger;
  }

  /**
   * CNI ADD. Idempotent: a pod that already holds an address gets it back.
   * Throws `PodNetworkSetupError` with Calico's text; nothing is allocated then.
   */
  setUp(pod: Pod, nodeName: string): { readonly ip: string } {
    const handleID = podHandleID(pod);
    const held = this.#ipam.ipsByHandle(handleID)[0];
    if (held !== undefined) return { ip: held };
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const attrs = { namespace, node: nodeName, pod: name, timestamp: goTimeString(this.#clock.now()) };
    try {
      reconcileTunnelAddresses(this.#ipam, nodeName);
      const ip = this.#assign(pod, nodeName, handleID, attrs);
      this.#logger.debug({ pod: `${namespace}/${name}`, node: nodeName, ip }, 'Pod network set up');
      return { ip };
    } catch (err) {
      if (err instanceof PoolExhaustedError) {
        throw new PodNetworkSetupError('calico', `failed to request IPv4 addresses: ${err.message}`, {
          cause: err,
        });
      }
      if (err instanceof IpamError || err instanceof AnnotationError) {
        throw new PodNetworkSetupError('calico', err.message, { cause: err });
      }
      throw err;
    }
  }

  #assign(pod: Pod, node: string, handleID: string, attrs: Record<string, string>): string {
    const annotations = pod.metadata?.annotations ?? {};
    const ipAddrs = annotations[IP_ADDRS_ANNOTATION];
    if (ipAddrs !== undefined) {
      const v4 = parseStringList(ipAddrs).filter((a) => !a.includes(':'));
      if (v4.length !== 1) {
        throw new AnnotationError(
          `${IP_ADDRS_ANNOTATION} must name exactly one IPv4 address, got ${JSON.stringify(v4)}`,
        );
      }
      const ip = v4[0] as string;
      this.#ipam.assignIP({ ip, node, handleID, attrs });
      return ip;
    }
    const namespace = pod.metadata?.namespace ?? 'default';
    const poolsText =
      annotations[IPV4_POOLS_ANNOTATION] ?? this.#namespaceAnnotation(namespace, IPV4_POOLS_ANNOTATION);
    const pools = poolsText === undefined ? undefined : parseStringList(poolsText);
    const [ip] = this.#ipam.assign({ node, handleID, attrs, namespace, pools });
    return ip as string;
  }

  #namespaceAnnotation(namespace: string, key: string): string | undefined {
    return this.#ipam.io.annotationsOf('namespaces', namespace)?.[key];
  }

  /** CNI DEL: releases by the handle, and by the workload ID form `<namespace>.<pod>`. Idempotent. */
  tearDown(pod: Pod, nodeName: string): void {
    const released =
      this.#ipam.releaseByHandle(podHandleID(pod)) +
      this.#ipam.releaseByHandle(`${pod.metadata?.namespace ?? 'default'}.${pod.metadata?.name ?? ''}`);
    this.#logger.debug(
      { pod: pod.metadata?.name, node: nodeName, released, network: CALICO_NETWORK_NAME },
      'Pod network torn down',
    );
  }
}
