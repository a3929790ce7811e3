/**
 * The IPAM invariants over the stored objects, checked after every operation
 * in tests (calico `validate()` lifted to the whole datastore):
 *
 * - every block is internally consistent (`AllocationBlock.validate`);
 * - blocks never overlap, and each is named after its CIDR: no address can be
 *   handed out twice;
 * - every allocation's handle exists and counts exactly the block's addresses
 *   held by it, and every handle counts only addresses that exist;
 * - a block affine to a node has that node's confirmed BlockAffinity, every
 *   BlockAffinity names an existing block affine to its node, and no affinity
 *   is left pending or pendingDeletion;
 * - no block is empty without an affinity (such blocks are deleted).
 *
 * Pure: returns the violations, empty when all hold.
 */
import { AllocationBlock } from './block.js';
import { cidrsOverlap, cidrToName, compareCidrs, parseCidr } from './ipv4.js';
import { affinityName, type BlockAffinity, handleName, type IPAMBlock, type IPAMHandle } from './objects.js';

export interface IpamState {
  readonly blocks: readonly IPAMBlock[];
  readonly handles: readonly IPAMHandle[];
  readonly affinities: readonly BlockAffinity[];
}

function checkBlocks(state: IpamState, problems: string[]): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  const parsed: { name: string; cidr: { network: number; prefix: number } }[] = [];
  for (const stored of state.blocks) {
    const block = AllocationBlock.fromSpec(stored.spec);
    if (!block) {
      problems.push(`block ${stored.metadata.name}: cannot be read (cidr ${stored.spec.cidr})`);
      continue;
    }
    if (stored.metadata.name !== cidrToName(block.cidr))
      problems.push(`block ${stored.metadata.name}: misnamed`);
    problems.push(...block.validate());
    if (block.isEmpty() && block.affinity === null)
      problems.push(`block ${stored.spec.cidr}: empty without affinity`);
    parsed.push({ name: stored.spec.cidr, cidr: block.cidr });
    const perHandle = new Map<string, number>();
    for (const a of block.allocated()) {
      const h = a.attribute.handle_id;
      if (h === undefined) continue;
      perHandle.set(h, (perHandle.get(h) ?? 0) + 1);
    }
    counts.set(stored.spec.cidr, perHandle);
  }
  parsed.sort((a, b) => compareCidrs(a.cidr, b.cidr));
  for (let i = 1; i < parsed.length; i++) {
    const a = parsed[i - 1];
    const b = parsed[i];
    if (a && b && cidrsOverlap(a.cidr, b.cidr)) problems.push(`blocks ${a.name} and ${b.name} overlap`);
  }
  return counts;
}

function checkHandles(state: IpamState, counts: Map<string, Map<string, number>>, problems: string[]): void {
  const handles = new Map(state.handles.map((h) => [h.metadata.name ?? '', h]));
  for (const [cidr, perHandle] of counts) {
    for (const [id, n] of perHandle) {
      const h = handles.get(handleName(id));
      const held = h?.spec.block[cidr];
      if (held !== n) problems.push(`handle ${id}: counts ${held ?? 'nothing'} in ${cidr}, block has ${n}`);
    }
  }
  for (const h of state.handles) {
    const entries = Object.entries(h.spec.block);
    if (entries.length === 0) problems.push(`handle ${h.spec.handleID}: holds nothing`);
    for (const [cidr, n] of entries) {
      if (counts.get(cidr)?.get(h.spec.handleID) !== n) {
        problems.push(
          `handle ${h.spec.handleID}: counts ${n} in ${cidr}, block has ${counts.get(cidr)?.get(h.spec.handleID) ?? 0}`,
        );
      }
    }
  }
}

function checkAffinities(state: IpamState, problems: string[]): void {
  const affinities = new Map(state.affinities.map((a) => [a.metadata.name ?? '', a]));
  const blocks = new Map(state.blocks.map((b) => [b.spec.cidr, b]));
  for (const b of state.blocks) {
    const node = b.spec.affinity?.startsWith('host:') ? b.spec.affinity.slice(5) : undefined;
    const cidr = parseCidr(b.spec.cidr);
    if (node === undefined || !cidr) continue;
    const aff = affinities.get(affinityName(node, cidr));
    if (aff?.spec.state !== 'confirmed')
      problems.push(`block ${b.spec.cidr}: affine to ${node} without a confirmed BlockAffinity`);
  }
  for (const a of state.affinities) {
    if (a.spec.state !== 'confirmed') problems.push(`affinity ${a.metadata.name}: left ${a.spec.state}`);
    if (blocks.get(a.spec.cidr)?.spec.affinity !== `host:${a.spec.node}`) {
      problems.push(`affinity ${a.metadata.name}: block ${a.spec.cidr} is not affine to ${a.spec.node}`);
    }
  }
}

/** Checks every invariant of the module comment. */
export function checkIpamInvariants(state: IpamState): string[] {
  const problems: string[] = [];
  const counts = checkBlocks(state, problems);
  checkHandles(state, counts, problems);
  checkAffinities(state, problems);
  return problems;
}
