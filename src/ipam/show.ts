/**
 * `calicoctl ipam show` as text (reference calico.md §1.9): the classic
 * five-column table of v3.x releases (olekukonko/tablewriter), `--show-blocks`
 * and `--show-borrowed`. Numbers use Go's `%.5g`, percentages Go's `%.f`
 * (round half to even), both reproduced exactly. Pure functions.
 */
import { type Cidr, cidrContains, compareCidrs, formatCidr, formatIPv4, parseCidr, sizeOf } from './ipv4.js';
import { affinityNode, type IPAMBlock, type IPPool } from './objects.js';

export interface UsageRow {
  readonly cidr: string;
  readonly total: bigint;
  readonly inUse: bigint;
}

export interface PoolUsage extends UsageRow {
  readonly name: string;
  readonly blocks: readonly UsageRow[];
}

export interface IpamUsage {
  readonly pools: readonly PoolUsage[];
  /** Blocks inside no pool (calicoctl's hidden "orphaned allocation blocks" group). */
  readonly orphanBlocks: readonly UsageRow[];
}

/** Go `fmt.Sprintf("%.5g", float64(n))` for a non-negative integer. */
export function formatG5(n: bigint): string {
  const digits = n.toString();
  if (digits.length <= 5) return digits;
  let head = BigInt(digits.slice(0, 5));
  const rest = digits.slice(5);
  const half = `5${'0'.repeat(rest.length - 1)}`;
  if (rest > half || (rest === half && head % 2n === 1n)) head += 1n;
  let exponent = digits.length - 1;
  let mantissa = head.toString();
  if (mantissa.length > 5) {
    mantissa = mantissa.slice(0, 5);
    exponent++;
  }
  const fraction = mantissa.slice(1).replace(/0+$/, '');
  const exp = exponent < 10 ? `0${exponent}` : String(exponent);
  return `${mantissa[0]}${fraction ? `.${fraction}` : ''}e+${exp}`;
}

/** Go `fmt.Sprintf("%.f", x)`: nearest integer, exact halves to even. */
export function formatRoundHalfEven(x: number): string {
  const floor = Math.floor(x);
  const diff = x - floor;
  const n = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return String(n);
}

/** `5 (8%)`: a count and its share of `total`, as `%.5g (%.f%%)`. */
export function formatShare(n: bigint, total: bigint): string {
  const pct = total === 0n ? 0 : (100 * Number(n)) / Number(total);
  return `${formatG5(n)} (${formatRoundHalfEven(pct)}%)`;
}

function parsed<T extends { readonly spec: { readonly cidr: string } }>(
  objs: readonly T[],
): { obj: T; cidr: Cidr }[] {
  const out: { obj: T; cidr: Cidr }[] = [];
  for (const obj of objs) {
    const c = parseCidr(obj.spec.cidr);
    if (c) out.push({ obj, cidr: { network: c.network, prefix: c.prefix } });
  }
  return out;
}

/** Utilisation of every pool and block, pools in name order, blocks ascending. */
export function ipamUsage(pools: readonly IPPool[], blocks: readonly IPAMBlock[]): IpamUsage {
  const rows = parsed(blocks)
    .sort((a, b) => compareCidrs(a.cidr, b.cidr))
    .map(({ obj, cidr }) => ({
      cidr,
      row: {
        cidr: obj.spec.cidr,
        total: BigInt(obj.spec.allocations.length),
        inUse: BigInt(obj.spec.allocations.length - obj.spec.unallocated.length),
      } satisfies UsageRow,
    }));
  const claimed = new Set<UsageRow>();
  const byName = (a: { obj: IPPool }, b: { obj: IPPool }) =>
    (a.obj.metadata.name ?? '') < (b.obj.metadata.name ?? '') ? -1 : 1;
  const usage = parsed(pools)
    .sort(byName)
    .map(({ obj, cidr }): PoolUsage => {
      const mine = rows.filter(
        (r) => !claimed.has(r.row) && r.cidr.prefix >= cidr.prefix && cidrContains(cidr, r.cidr.network),
      );
      for (const r of mine) claimed.add(r.row);
      return {
        name: obj.metadata.name ?? '',
        cidr: formatCidr(cidr),
        total: BigInt(sizeOf(cidr.prefix)),
        inUse: mine.reduce((sum, r) => sum + r.row.inUse, 0n),
        blocks: mine.map((r) => r.row),
      };
    });
  return { pools: usage, orphanBlocks: rows.filter((r) => !claimed.has(r.row)).map((r) => r.row) };
}

/** tablewriter's test for right-aligned cells (`decimal` regexp). */
const DECIMAL = /^-?(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?$/;

/** Renders a table as olekukonko/tablewriter (v0.0.x) does by default. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const heads = header.map((h) => h.toUpperCase());
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const centred = heads.map((h, i) => {
    const pad = (widths[i] as number) - h.length;
    const left = Math.floor(pad / 2);
    return `${' '.repeat(left)}${h}${' '.repeat(pad - left)}`;
  });
  const lines = [rule, `| ${centred.join(' | ')} |`, rule];
  for (const r of rows) {
    const cells = widths.map((w, i) => {
      const cell = r[i] ?? '';
      return DECIMAL.test(cell.trim()) ? cell.padStart(w) : cell.padEnd(w);
    });
    lines.push(`| ${cells.join(' | ')} |`);
  }
  // tablewriter's Render prints the bottom border whatever the rows: an empty table
  // shows the header's separator and the border as two equal lines.
  lines.push(rule);
  return `${lines.join('\n')}\n`;
}

function usageCells(grouping: string, row: UsageRow): string[] {
  return [
    grouping,
    row.cidr,
    formatG5(row.total),
    formatShare(row.inUse, row.total),
    formatShare(row.total - row.inUse, row.total),
  ];
}

/** `calicoctl ipam show [--show-blocks]`. */
export function formatIpamShow(usage: IpamUsage, options: { readonly showBlocks?: boolean } = {}): string {
  const rows: string[][] = [];
  for (const pool of usage.pools) {
    rows.push(usageCells('IP Pool', pool));
    if (options.showBlocks) for (const b of pool.blocks) rows.push(usageCells('Block', b));
  }
  if (options.showBlocks) for (const b of usage.orphanBlocks) rows.push(usageCells('Block', b));
  return renderTable(['Grouping', 'CIDR', 'IPs total', 'IPs in use', 'IPs free'], rows);
}

/** One address used by a node from another node's block. */
export interface BorrowedAddress {
  readonly ip: string;
  readonly borrowingNode: string;
  readonly block: string;
  /** The block's node; empty when the block has no affinity any more. */
  readonly blockOwner: string;
  /** `pod`, or the tunnel type (`ipipTunnelAddress`). */
  readonly type: string;
  /** `<namespace>/<pod>` for pods, empty otherwise. */
  readonly allocatedTo: string;
}

/** Every borrowed address, in block then ordinal order. */
export function borrowedAddresses(blocks: readonly IPAMBlock[]): BorrowedAddress[] {
  const out: BorrowedAddress[] = [];
  const sorted = [...blocks].sort((a, b) => {
    const ca = parseCidr(a.spec.cidr);
    const cb = parseCidr(b.spec.cidr);
    return ca && cb ? compareCidrs(ca, cb) : 0;
  });
  for (const b of sorted) {
    const base = parseCidr(b.spec.cidr);
    if (!base) continue;
    const owner = affinityNode(b.spec.affinity) ?? '';
    b.spec.allocations.forEach((idx, ordinal) => {
      const attr = idx === null ? undefined : b.spec.attributes[idx];
      const node = attr?.secondary?.node;
      if (!attr || node === undefined || node === owner) return;
      const s = attr.secondary ?? {};
      out.push({
        ip: formatIPv4(base.network + ordinal),
        borrowingNode: node,
        block: b.spec.cidr,
        blockOwner: owner,
        type: s.type ?? 'pod',
        allocatedTo: s.pod !== undefined && s.namespace !== undefined ? `${s.namespace}/${s.pod}` : '',
      });
    });
  }
  return out;
}

/** `calicoctl ipam show --show-borrowed`. */
export function formatBorrowed(rows: readonly BorrowedAddress[]): string {
  return renderTable(
    ['IP', 'Borrowing-node', 'Block', 'Block owner', 'Type', 'Allocated-to'],
    rows.map((r) => [r.ip, r.borrowingNode, r.block, r.blockOwner, r.type, r.allocatedTo]),
  );
}
