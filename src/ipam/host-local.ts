/**
 * The `host-local` alternative (reference calico.md §3): Kubernetes' node IPAM
 * hands each node a podCIDR, and the host-local plugin allocates pod addresses
 * inside it. Two pure, stateful pieces:
 *
 * - `CidrSet` (kube-controller-manager `cidrset/cidr_set.go`): the cluster CIDR
 *   cut into `/nodeMask` subnets, allocated round-robin (`nextCandidate`), so a
 *   freed CIDR is not reused until the scan wraps.
 * - `HostLocalRange` (containernetworking `host-local/backend/allocator`):
 *   gateway `.1` (the bridge), range `.1`…broadcast−1, the gateway skipped,
 *   allocation from `lastReservedIP + 1`, round-robin with wrap.
 */
import { type Cidr, cidrContains, cidrsOverlap, formatCidr, formatIPv4, sizeOf } from './ipv4.js';

/** `ErrCIDRRangeNoCIDRsRemaining`. */
export const NO_CIDRS_REMAINING =
  'CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range';

export class CidrSet {
  readonly cluster: Cidr;
  readonly nodeMask: number;
  readonly #used: Uint8Array;
  #next = 0;

  /** @throws RangeError when the node mask does not fit the cluster CIDR. */
  constructor(cluster: Cidr, nodeMask = 24) {
    if (nodeMask < cluster.prefix || nodeMask > 32) {
      throw new RangeError(`Node CIDR mask /${nodeMask} does not fit cluster CIDR ${formatCidr(cluster)}`);
    }
    this.cluster = cluster;
    this.nodeMask = nodeMask;
    this.#used = new Uint8Array(2 ** (nodeMask - cluster.prefix));
  }

  #cidrAt(index: number): Cidr {
    return { network: this.cluster.network + index * sizeOf(this.nodeMask), prefix: this.nodeMask };
  }

  /** The next free subnet, round-robin from the last one handed out; a message when full. */
  allocateNext(): Cidr | string {
    const n = this.#used.length;
    for (let k = 0; k < n; k++) {
      const i = (this.#next + k) % n;
      if (this.#used[i] === 0) {
        this.#used[i] = 1;
        this.#next = (i + 1) % n;
        return this.#cidrAt(i);
      }
    }
    return NO_CIDRS_REMAINING;
  }

  /** Marks every subnet overlapping `cidr` used (existing podCIDRs, the service CIDR). */
  occupy(cidr: Cidr): void {
    this.#mark(cidr, 1);
  }

  release(cidr: Cidr): void {
    this.#mark(cidr, 0);
  }

  #mark(cidr: Cidr, value: 0 | 1): void {
    if (!cidrsOverlap(cidr, this.cluster)) return;
    for (let i = 0; i < this.#used.length; i++)
      if (cidrsOverlap(this.#cidrAt(i), cidr)) this.#used[i] = value;
  }
}

/** One node's host-local range and what it holds. */
export class HostLocalRange {
  readonly subnet: Cidr;
  readonly gateway: number;
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly #owners = new Map<number, string>();
  #lastReserved: number | undefined;

  /** @throws RangeError for a /31 or /32 ("too small to allocate from"). */
  constructor(subnet: Cidr) {
    if (subnet.prefix > 30) throw new RangeError(`Network ${formatCidr(subnet)} too small to allocate from`);
    this.subnet = subnet;
    this.gateway = subnet.network + 1;
    this.rangeStart = subnet.network + 1;
    this.rangeEnd = subnet.network + sizeOf(subnet.prefix) - 2;
  }

  /** `10.244.1.1-10.244.1.254`, as the plugin names the range in errors. */
  get rangeText(): string {
    return `${formatIPv4(this.rangeStart)}-${formatIPv4(this.rangeEnd)}`;
  }

  /** The address `id` holds, if any. */
  addressOf(id: string): number | undefined {
    for (const [ip, owner] of this.#owners) if (owner === id) return ip;
    return undefined;
  }

  /**
   * Reserves the next free address for `id` (idempotent per id). Returns the
   * address, or host-local's error text when the range is full.
   */
  allocate(id: string): number | string {
    const held = this.addressOf(id);
    if (held !== undefined) return held;
    const count = this.rangeEnd - this.rangeStart + 1;
    let cur =
      this.#lastReserved !== undefined && this.#inRange(this.#lastReserved)
        ? this.#lastReserved
        : this.rangeEnd;
    for (let k = 0; k < count; k++) {
      cur = cur >= this.rangeEnd ? this.rangeStart : cur + 1;
      if (cur === this.gateway || this.#owners.has(cur)) continue;
      this.#owners.set(cur, id);
      this.#lastReserved = cur;
      return cur;
    }
    return `failed to allocate for range 0: no IP addresses available in range set: ${this.rangeText}`;
  }

  /** Frees what `id` holds (CNI DEL). Returns whether anything was held. */
  release(id: string): boolean {
    const ip = this.addressOf(id);
    if (ip === undefined) return false;
    this.#owners.delete(ip);
    return true;
  }

  #inRange(ip: number): boolean {
    return cidrContains(this.subnet, ip) && ip >= this.rangeStart && ip <= this.rangeEnd;
  }

  /** Number of addresses in use. */
  get size(): number {
    return this.#owners.size;
  }
}
