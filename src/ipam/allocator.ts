/**
 * The Calico IPAM allocator: Calico's `ipamClient` over netkube's store. Pure
 * decisions live in `block.ts`, `pools.ts`, `block-picker.ts` and
 * `auto-assign.ts`; this class adds the transaction around each operation, the
 * request plumbing (node and namespace labels, pool annotations) and logging.
 *
 * Every public method is one `store.transaction`: it either completes or
 * leaves the store exactly as it was (nothing is ever half-allocated). Methods
 * are synchronous and must not be called from inside a store watch handler.
 */
import type { Logger } from '../log/index.js';
import type { Registry } from '../store/registry.js';
import type { BlockSelection, NetworkingConfig } from '../topology/types.js';
import type { Clock } from '../util/clock.js';
import { AssignRequestState, AssignResult } from './assign-state.js';
import { type AssignSettings, autoAssign } from './auto-assign.js';
import { handleHash } from './block-attributes.js';
import { claimBlock } from './claims.js';
import { AssignIPError, NoQualifiedPoolError, PoolExhaustedError } from './errors.js';
import { addressText, formatIPv4, parseBlockCidr, parseIPv4 } from './ipv4.js';
import { type IpamObjects, registryBackend } from './object-backends.js';
import { type AllowedUse, hostAffinity, type IPPool } from './objects.js';
import { blockForIP, defaultPool, PoolChoiceCache, poolForIP } from './pools.js';
import { type ReleaseIPRequest, releaseAddresses, releaseHandle } from './release.js';
import { IpamStore } from './store-io.js';

/**
 * Where the objects live: `registry` (the emulator: API objects written through
 * the Registry) or `objects` (any backend, e.g. `memoryBackend()` for benchmarks).
 */
export type CalicoIpamConfig = CalicoIpamSettings &
  ({ readonly registry: Registry } | { readonly objects: IpamObjects });

export interface CalicoIpamSettings {
  readonly clock: Clock;
  readonly logger: Logger;
  /** @default 'calico' */
  readonly blockSelection?: BlockSelection;
  /** IPAMConfig `strictAffinity`. @default false */
  readonly strictAffinity?: boolean;
  /** IPAMConfig `maxBlocksPerHost`; 0 means Calico's built-in 20. @default 0 */
  readonly maxBlocksPerHost?: number;
}

/** An automatic assignment request (Calico `AutoAssignArgs`, IPv4 only). */
export interface AssignRequest {
  readonly node: string;
  readonly handleID: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** @default 'Workload' */
  readonly use?: AllowedUse;
  /** The pod's namespace, for pools' namespaceSelector. */
  readonly namespace?: string;
  /** Pool names or CIDRs to use, in order (annotation `cni.projectcalico.org/ipv4pools`). */
  readonly pools?: readonly string[] | undefined;
  /** @default 1 */
  readonly num?: number;
}

/** A specific-address request (Calico `AssignIPArgs`). */
export interface AssignIPRequest {
  readonly ip: string;
  readonly node: string;
  readonly handleID: string;
  readonly attrs: Readonly<Record<string, string>>;
}

export type { ReleaseIPRequest } from './release.js';

export class CalicoIpam {
  readonly io: IpamStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly settings: AssignSettings;
  readonly #poolChoice = new PoolChoiceCache();
  /** The request and result of the assignment under way, reused (`assign-state.ts`). */
  readonly #request = new AssignRequestState();
  readonly #result = new AssignResult();
  /** The logger level (number) `#debug` was worked out for (`#debugEnabled`). */
  #debugLevel: number;
  #debug: boolean;

  constructor(config: CalicoIpamConfig) {
    const max = config.maxBlocksPerHost ?? 0;
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`maxBlocksPerHost must be >= 0, got ${max}`);
    this.io = new IpamStore('registry' in config ? registryBackend(config.registry) : config.objects);
    this.#clock = config.clock;
    this.#logger = config.logger;
    this.#debugLevel = config.logger.levelVal;
    this.#debug = config.logger.isLevelEnabled('debug');
    this.settings = {
      blockSelection: config.blockSelection ?? 'calico',
      strictAffinity: config.strictAffinity ?? false,
      maxBlocksPerHost: max === 0 ? 20 : max,
    };
  }

  /** Creates `default-ipv4-ippool` from the topology when no pool exists (calico/node startup). */
  ensureDefaultPool(networking: Pick<NetworkingConfig, 'podSubnet' | 'ipam'>): IPPool | undefined {
    if (this.io.poolObjects().length > 0) return undefined;
    return this.io.createPool(defaultPool(networking));
  }

  /**
   * Assigns addresses as Calico's `AutoAssign` does. A short result is not an
   * error here: `msgs` says why (use `assign` for all-or-nothing). Throws
   * `NoQualifiedPoolError` or `BlockLimitError` with nothing written.
   */
  autoAssign(req: AssignRequest): { readonly ips: string[]; readonly msgs: string[] } {
    const result = this.io.transaction(() => this.#autoAssign(req));
    return { ips: result.map(addressText), msgs: [...result.msgs] };
  }

  /**
   * All-or-nothing assignment: what the CNI plugin needs. Throws
   * `PoolExhaustedError` (Calico's PartialFulfillmentError text) and writes
   * nothing when fewer than `num` addresses could be found.
   */
  assign(req: AssignRequest): string[] {
    return this.io.transaction(this.#assignIn, this, req);
  }

  /** `assign`'s transaction body (a method: no closure per call). */
  #assignIn(req: AssignRequest): string[] {
    const result = this.#autoAssign(req);
    const num = req.num ?? 1;
    if (result.count < num) throw new PoolExhaustedError(result.count, num, result.msgs);
    const ips = result.map(addressText);
    if (this.#debugEnabled()) this.#logger.debug({ node: req.node, handle: req.handleID, ips }, 'Assigned');
    return ips;
  }

  /**
   * `logger.isLevelEnabled('debug')`, asked again only when the logger's
   * level changes (the answer depends on nothing else). pino gives each
   * logger its own level comparator, so calling it on every assignment put
   * a new call target into the allocator's optimised code with each logger.
   */
  #debugEnabled(): boolean {
    const level = this.#logger.levelVal;
    if (level !== this.#debugLevel) {
      this.#debugLevel = level;
      this.#debug = this.#logger.isLevelEnabled('debug');
    }
    return this.#debug;
  }

  /**
   * Resolves the request (pools, labels) and assigns into `#result`, which
   * the next assignment reuses: read it at once.
   */
  #autoAssign(req: AssignRequest): AssignResult {
    const allPools = this.io.pools();
    const hostLabels = this.io.labelsOf('nodes', req.node);
    const namespaceLabels =
      req.namespace === undefined ? undefined : this.io.labelsOf('namespaces', req.namespace);
    const use = req.use ?? 'Workload';
    const choice =
      this.#poolChoice.kept(allPools, req.pools, hostLabels, namespaceLabels, use) ??
      this.#poolChoice.choose(allPools, {
        nodeName: req.node,
        nodeLabels: hostLabels,
        namespaceLabels,
        requested: req.pools,
        use,
      });
    if (!choice.ok) throw new NoQualifiedPoolError(choice.error);
    const r = this.#request;
    r.num = req.num ?? 1;
    r.handleID = req.handleID;
    r.handleHash = handleHash(req.handleID);
    r.attrs = req.attrs;
    r.host = req.node;
    r.affinityCheck = this.settings.strictAffinity;
    r.hostLabels = hostLabels;
    r.pools = choice.pools;
    r.allPools = allPools;
    r.now = this.#clock.now();
    autoAssign(this.io, this.settings, r, this.#result);
    return this.#result;
  }

  /** Assigns one given address (Calico `AssignIP`), claiming its block for the node when unclaimed. */
  assignIP(req: AssignIPRequest): void {
    this.io.transaction(() => {
      const ip = parseIPv4(req.ip);
      const pool =
        ip === undefined
          ? undefined
          : poolForIP(
              this.io.pools().filter((p) => !p.disabled),
              ip,
            );
      if (ip === undefined || !pool) {
        throw new AssignIPError(req.ip, 'The provided IP address is not in a configured pool');
      }
      const cidr = blockForIP(pool, ip);
      const loaded = this.io.loadBlock(cidr) ?? claimBlock(this.io, cidr, req.node, this.#clock.now());
      const error = loaded.block.assign(
        ip,
        { handle_id: req.handleID, secondary: { ...req.attrs } },
        { host: req.node, affinityCheck: this.settings.strictAffinity },
      );
      if (error) throw new AssignIPError(req.ip, error);
      this.io.incrementHandle(req.handleID, loaded.block, 1);
      this.io.writeBlock(loaded);
    });
  }

  /** Releases every address of a handle (CNI DEL). Returns how many; 0 for an unknown handle. */
  releaseByHandle(handleID: string): number {
    return this.io.transaction(this.releaseByHandleInTransaction, this, handleID);
  }

  /** `releaseByHandle` for callers already inside a transaction. */
  releaseByHandleInTransaction(handleID: string): number {
    return releaseHandle(this.io, handleID);
  }

  /**
   * Releases given addresses (Calico `ReleaseIPs`). Returns those that were not
   * allocated. A handle or sequence-number mismatch throws and releases nothing.
   */
  releaseIPs(requests: readonly ReleaseIPRequest[]): string[] {
    return this.io.transaction(() => releaseAddresses(this.io, requests));
  }

  /** The addresses a handle holds, in block then ordinal order. */
  ipsByHandle(handleID: string): string[] {
    const handle = this.io.getHandle(handleID);
    if (!handle) return [];
    const out: string[] = [];
    for (const text of Object.keys(handle.spec.block)) {
      const parsed = parseBlockCidr(text);
      const loaded = parsed ? this.io.loadBlock(parsed) : undefined;
      if (!loaded) continue;
      for (const a of loaded.block.allocated()) {
        if (a.attribute.handle_id === handle.spec.handleID) out.push(formatIPv4(a.ip));
      }
    }
    return out;
  }

  /** The name of the pool containing `ip`, if any. */
  poolOf(ip: string): string | undefined {
    const n = parseIPv4(ip);
    return n === undefined ? undefined : poolForIP(this.io.pools(), n)?.name;
  }

  /** Whether `node` holds an affinity for the block containing `ip`. */
  isAffine(node: string, ip: string): boolean {
    const n = parseIPv4(ip);
    const pool = n === undefined ? undefined : poolForIP(this.io.pools(), n);
    if (n === undefined || !pool) return false;
    return this.io.peekBlock(blockForIP(pool, n))?.affinity === hostAffinity(node);
  }
}
