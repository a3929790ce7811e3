import { describe, expect, it } from 'vitest';
import type { Random } from '../util/random.js';
import { balanceSections, roundRobin } from './loadbalance.js';
import type { DnsRecord } from './zone.js';

/** A Random whose 16-bit draws come from `draws`, in order. */
function scripted(draws: number[]): Random & { left(): number } {
  const queue = [...draws];
  return {
    float: () => (queue.shift() ?? 0) / 0x10000,
    int: (n) => (queue.shift() ?? 0) % n,
    left: () => queue.length,
  };
}

const a = (ip: string): DnsRecord => ({ type: 'A', name: 'db.', ttl: 30, data: ip });
const cname: DnsRecord = { type: 'CNAME', name: 'x.', ttl: 30, data: 'db.' };
const srv: DnsRecord = {
  type: 'SRV',
  name: 'db.',
  ttl: 30,
  data: { priority: 0, weight: 100, port: 80, target: 'db.' },
};

function ips(records: readonly DnsRecord[]): string[] {
  return records.map((r) => (r.type === 'A' ? r.data : r.type));
}

describe('loadbalance round_robin', () => {
  it.each([
    { name: 'two records, even draw: swapped', draws: [2], want: ['2', '1'] },
    { name: 'two records, odd draw: kept', draws: [1], want: ['1', '2'] },
    // j=0: p=0+5%3=2 → 3,2,1; j=1: p=1+1%2=2 → 3,1,2; j=2: p=2.
    { name: 'three records: one draw per position', draws: [5, 1, 0], want: ['3', '1', '2'] },
  ])('$name', ({ draws, want }) => {
    const random = scripted(draws);
    const input = want.map((_, i) => a(String(i + 1)));
    expect(ips(roundRobin(input, random))).toEqual(want);
    expect(random.left()).toBe(0);
    expect(ips(input)).toEqual(want.map((_, i) => String(i + 1)));
  });

  it('puts CNAMEs first and the other records before the shuffled addresses', () => {
    expect(ips(roundRobin([a('1'), srv, a('2'), cname], scripted([0])))).toEqual(['CNAME', 'SRV', '2', '1']);
  });

  it('leaves a single record alone and draws nothing', () => {
    const random = scripted([0]);
    expect(ips(roundRobin([a('1')], random))).toEqual(['1']);
    expect(random.left()).toBe(1);
  });

  it('balances every section', () => {
    const reply = balanceSections(
      { answers: [a('1'), a('2')], authorities: [], additionals: [a('3'), a('4')] },
      scripted([0, 1]),
    );
    expect([ips(reply.answers), ips(reply.additionals)]).toEqual([
      ['2', '1'],
      ['3', '4'],
    ]);
  });
});
