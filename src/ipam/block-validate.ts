/**
 * The invariants of one IPAM block (Calico `ipam_block_test` `validate`), over
 * its stored spec. Pure; used by `AllocationBlock.validate` and the datastore
 * checker in `invariants.ts`.
 */
import type { IPAMBlockSpec } from './objects.js';

/**
 * Every ordinal is either free (exactly once) or allocated to a valid
 * attribute, every attribute is referenced, and sequence numbers exist exactly
 * for allocated ordinals. Returns the violations; empty when consistent.
 */
export function validateBlockSpec(spec: IPAMBlockSpec): string[] {
  const problems: string[] = [];
  const name = spec.cidr;
  const size = spec.allocations.length;
  const free = new Set<number>();
  for (const o of spec.unallocated) {
    if (o < 0 || o >= size || !Number.isInteger(o)) problems.push(`${name}: bad free ordinal ${o}`);
    else if (free.has(o)) problems.push(`${name}: ordinal ${o} is free twice`);
    free.add(o);
  }
  const referenced = new Set<number>();
  for (let o = 0; o < size; o++) {
    const idx = spec.allocations[o];
    const allocated = idx !== null && idx !== undefined;
    if (allocated === free.has(o)) {
      problems.push(`${name}: ordinal ${o} is ${allocated ? 'both' : 'neither'} free and allocated`);
    }
    if (allocated && (idx < 0 || idx >= spec.attributes.length)) {
      problems.push(`${name}: ordinal ${o} has bad attribute ${idx}`);
    }
    if (allocated) referenced.add(idx);
    if (allocated !== (spec.sequenceNumberForAllocation[String(o)] !== undefined)) {
      problems.push(`${name}: ordinal ${o} sequence number mismatch`);
    }
  }
  if (referenced.size !== spec.attributes.length) problems.push(`${name}: unreferenced attributes`);
  return problems;
}
