/**
 * IPAM failures, one class per outcome (Calico `ipam_errors.go`). Messages are
 * Calico's own texts, which is what users search for; callers branch on the
 * class or `code`, never on the text.
 */
import { NetkubeError } from '../util/errors.js';

/** Base class of every IPAM failure. */
export class IpamError extends NetkubeError {}

/**
 * No pool may serve the request: no enabled pool, none selecting the node, a
 * requested pool that does not exist, or none allowing the intended use.
 */
export class NoQualifiedPoolError extends IpamError {
  constructor(message: string) {
    super('ERR_IPAM_NO_POOL', message);
  }
}

/**
 * The node holds `maxBlocksPerHost` blocks, all full (Calico `ErrBlockLimit`).
 * No borrowing happens in this case, whatever `strictAffinity` says.
 */
export class BlockLimitError extends IpamError {
  /** Calico's log line for it: `Need to allocate an IPAM block but could not - limit of 20 blocks reached for this node`. */
  readonly detail: string;
  constructor(limit: number) {
    super('ERR_IPAM_BLOCK_LIMIT', 'cannot allocate new block due to per host block limit');
    this.detail = `Need to allocate an IPAM block but could not - limit of ${limit} blocks reached for this node`;
  }
}

/**
 * Fewer addresses than requested could be assigned (Calico
 * `IPAMAssignments.PartialFulfillmentError`): `Assigned 0 out of 1 requested
 * IPv4 addresses; No IPs available in pools: [10.244.0.0/16]`.
 */
export class PoolExhaustedError extends IpamError {
  readonly assigned: number;
  readonly requested: number;
  readonly msgs: readonly string[];
  constructor(assigned: number, requested: number, msgs: readonly string[]) {
    const text = [`Assigned ${assigned} out of ${requested} requested IPv4 addresses`, ...msgs].join('; ');
    super('ERR_IPAM_EXHAUSTED', text);
    this.assigned = assigned;
    this.requested = requested;
    this.msgs = msgs;
  }
}

/**
 * A specific address could not be assigned (Calico `AssignIP`): outside every
 * pool (`The provided IP address is not in a configured pool`), already in use
 * (`Address already assigned in block`), or in another node's block under
 * strict affinity. Calico's first text ends in a newline; netkube drops it.
 */
export class AssignIPError extends IpamError {
  readonly ip: string;
  constructor(ip: string, message: string) {
    super('ERR_IPAM_ASSIGN_IP', message);
    this.ip = ip;
  }
}

/** A release named a handle other than the one holding the address (Calico `ErrorBadHandle`). */
export class BadHandleError extends IpamError {
  constructor(message: string) {
    super('ERR_IPAM_BAD_HANDLE', message);
  }
}

/** A release carried a stale sequence number (Calico `ErrorBadSequenceNumber`). */
export class BadSequenceNumberError extends IpamError {
  constructor(message: string) {
    super('ERR_IPAM_BAD_SEQUENCE_NUMBER', message);
  }
}
