import { describe, expect, it } from 'vitest';
import { AllocationBlock } from './block.js';
import { formatIPv4, parseCidr, parseIPv4 } from './ipv4.js';
import type { IPAMBlockSpec } from './objects.js';

function block(cidr = '192.168.1.0/28', affinity: string | null = 'host:node-1'): AllocationBlock {
  const c = parseCidr(cidr);
  if (!c) throw new Error(cidr);
  return AllocationBlock.create(c, { affinity });
}

const me = { host: 'node-1', affinityCheck: true };
const attr = (handle: string) => ({ handle_id: handle, secondary: { node: 'node-1' } });
const ip = (text: string) => parseIPv4(text) as number;

describe('AllocationBlock ordinals', () => {
  it('starts with every ordinal free, in order', () => {
    const b = block();
    expect(b.unallocated()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(b.validate()).toEqual([]);
  });

  it('hands out the network and broadcast addresses too (§1.5)', () => {
    const b = block();
    const got = b.autoAssign(16, attr('h'), me);
    expect(Array.isArray(got) && got.map(formatIPv4)).toEqual(
      Array.from({ length: 16 }, (_, i) => `192.168.1.${i}`),
    );
    expect(b.numFree()).toBe(0);
    expect(b.autoAssign(1, attr('h'), me)).toEqual([]);
  });

  it('puts a released ordinal at the back of the queue (ipam_block_test "removes an existing allocation")', () => {
    const b = block();
    b.autoAssign(2, attr('a'), me); // .0, .1
    expect(b.releaseByHandle('a')).toBe(2);
    expect(b.unallocated().slice(-2)).toEqual([0, 1]);
    const next = b.autoAssign(1, attr('b'), me);
    expect(Array.isArray(next) && next.map(formatIPv4)).toEqual(['192.168.1.2']);
  });

  it('reuses a freed address only after every other free one', () => {
    const b = block();
    const first = b.autoAssign(1, attr('a'), me) as number[];
    b.release([{ ip: first[0] as number }]);
    const seen: string[] = [];
    for (let i = 0; i < 16; i++)
      seen.push(formatIPv4((b.autoAssign(1, attr(`p${i}`), me) as number[])[0] as number));
    expect(seen.at(-1)).toBe('192.168.1.0');
    expect(new Set(seen).size).toBe(16);
    expect(b.validate()).toEqual([]);
  });
});

describe('AllocationBlock attributes', () => {
  it('shares one attribute entry per identical handle and attributes', () => {
    const b = block();
    b.autoAssign(3, attr('same'), me);
    expect(b.toSpec().attributes).toHaveLength(1);
    b.autoAssign(1, attr('other'), me);
    expect(b.toSpec().attributes).toHaveLength(2);
  });

  it('drops and renumbers attributes nothing references after a release', () => {
    const b = block();
    b.autoAssign(1, attr('a'), me);
    b.autoAssign(1, attr('b'), me);
    b.releaseByHandle('a');
    const spec = b.toSpec();
    expect(spec.attributes).toEqual([attr('b')]);
    expect(spec.allocations[1]).toBe(0);
    expect(b.validate()).toEqual([]);
  });
});

describe('AllocationBlock affinity', () => {
  it.each([
    { name: 'own block', affinity: 'host:node-1', req: me, want: 1 },
    {
      name: 'other node, strict',
      affinity: 'host:node-2',
      req: me,
      want: 'Block affinity (host:node-2) does not match provided (node-1)',
    },
    {
      name: 'other node, borrowing',
      affinity: 'host:node-2',
      req: { host: 'node-1', affinityCheck: false },
      want: 1,
    },
    {
      name: 'no affinity, strict',
      affinity: null,
      req: me,
      want: 'Attempt to assign from block 192.168.1.0/28 with no affinity',
    },
  ])('$name', ({ affinity, req, want }) => {
    const got = block('192.168.1.0/28', affinity).autoAssign(1, attr('h'), req);
    expect(typeof got === 'string' ? got : got.length).toEqual(want);
  });
});

describe('AllocationBlock.release', () => {
  it('reports unallocated addresses without failing (ipam_block_test "does nothing when no such IP exists")', () => {
    const b = block();
    const out = b.release([{ ip: ip('192.168.1.5') }]);
    expect(out).toEqual({ ok: true, unallocated: [ip('192.168.1.5')], countByHandle: new Map() });
  });

  it('fails the whole request on a handle mismatch and changes nothing', () => {
    const b = block();
    b.autoAssign(2, attr('a'), me);
    const before = b.toSpec();
    const out = b.release([{ ip: ip('192.168.1.0') }, { ip: ip('192.168.1.1'), handle: 'wrong' }]);
    expect(out.ok).toBe(false);
    expect(b.toSpec()).toEqual(before);
  });

  it('checks the sequence number (ABA guard)', () => {
    const b = block();
    b.autoAssign(1, attr('a'), me);
    const seq = b.sequenceNumberOf(ip('192.168.1.0'));
    expect(b.release([{ ip: ip('192.168.1.0'), sequenceNumber: (seq ?? 0) + 1 }]).ok).toBe(false);
    expect(b.release([{ ip: ip('192.168.1.0'), sequenceNumber: seq }]).ok).toBe(true);
  });

  it('counts released addresses per handle and de-duplicates', () => {
    const b = block();
    b.autoAssign(2, attr('a'), me);
    const out = b.release([{ ip: ip('192.168.1.0') }, { ip: ip('192.168.1.0') }, { ip: ip('192.168.1.1') }]);
    expect(out.ok && [...out.countByHandle]).toEqual([['a', 2]]);
  });
});

describe('AllocationBlock.assign', () => {
  it('assigns a given address and takes it out of the queue', () => {
    const b = block();
    expect(b.assign(ip('192.168.1.7'), attr('x'), me)).toBeUndefined();
    expect(b.unallocated()).not.toContain(7);
    expect(b.assign(ip('192.168.1.7'), attr('y'), me)).toBe('Address already assigned in block');
    expect(b.validate()).toEqual([]);
  });
});

describe('AllocationBlock.validate', () => {
  it('finds an ordinal both free and allocated', () => {
    const b = block();
    b.autoAssign(1, attr('a'), me);
    const spec = b.toSpec();
    const broken = AllocationBlock.fromSpec({ ...spec, unallocated: [0, ...spec.unallocated] });
    expect(broken?.validate()).toContain('192.168.1.0/28: ordinal 0 is both free and allocated');
  });
});

describe('AllocationBlock compact form (block-arrays.ts)', () => {
  const base = () => {
    const b = block();
    b.autoAssign(2, attr('a'), me);
    b.markWritten();
    return b.toSpec();
  };

  it.each<{ name: string; edit: (s: IPAMBlockSpec) => IPAMBlockSpec }>([
    { name: 'as the allocator leaves it', edit: (s) => s },
    {
      name: 'sequence numbers under keys that are no ordinal (kept as they are)',
      edit: (s) => ({ ...s, sequenceNumberForAllocation: { ...s.sequenceNumberForAllocation, 99: 4, x: 5 } }),
    },
    { name: 'an ordinal free twice', edit: (s) => ({ ...s, unallocated: [...s.unallocated, 5] }) },
    {
      name: 'an allocation pointing past the attributes',
      edit: (s) => ({ ...s, allocations: [7, ...s.allocations.slice(1)] }),
    },
  ])('reads and writes back a spec exactly: $name', ({ edit }) => {
    const spec = edit(base());
    const read = AllocationBlock.fromSpec(spec);
    expect(JSON.stringify(read?.toSpec())).toBe(JSON.stringify(spec));
    // Written back after a change, the untouched parts are kept too.
    read?.autoAssign(1, attr('b'), me);
    const again = AllocationBlock.fromSpec(read?.toSpec() as IPAMBlockSpec);
    expect(JSON.stringify(again?.toSpec())).toBe(JSON.stringify(read?.toSpec()));
  });

  it.each<{ name: string; edit: (s: IPAMBlockSpec) => IPAMBlockSpec }>([
    {
      name: 'a free ordinal outside the block',
      edit: (s) => ({ ...s, unallocated: [...s.unallocated, 16] }),
    },
    {
      name: 'a fractional attribute index',
      edit: (s) => ({ ...s, allocations: [0.5, ...s.allocations.slice(1)] }),
    },
    {
      name: 'a sequence number that is not a number',
      edit: (s) => ({ ...s, sequenceNumberForAllocation: { 0: '1' as unknown as number } }),
    },
  ])('refuses a spec it cannot hold exactly: $name', ({ edit }) => {
    expect(AllocationBlock.fromSpec(edit(base()))).toBeUndefined();
  });

  it('hands out specs that later changes never touch', () => {
    const b = block();
    b.autoAssign(1, attr('a'), me);
    const spec = b.toSpec();
    const text = JSON.stringify(spec);
    b.autoAssign(3, attr('b'), me);
    b.releaseByHandle('a');
    expect(JSON.stringify(spec)).toBe(text);
  });
});

describe('AllocationBlock.inStepWith (the Registry path reuses a written copy)', () => {
  it('holds for every spec produced since the last change, and not after one', () => {
    const b = block();
    b.autoAssign(1, attr('a'), me);
    b.markWritten();
    const written = b.toSpec();
    expect(b.inStepWith(written)).toBe(true);
    b.affinity = null;
    b.markWritten();
    const again = b.toSpec();
    expect(b.inStepWith(again)).toBe(true);
    expect(b.inStepWith(written)).toBe(false);
    expect(b.releaseByHandle('a')).toBe(1);
    expect(b.inStepWith(again)).toBe(false);
  });
});
