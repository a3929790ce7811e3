import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { parseQuery, readName, WireFormatError } from './wire-read.js';
import { encodeReply, messageLength, type ReplyMessage, truncateReply } from './wire-write.js';
import type { DnsRecord } from './zone.js';

const srv = (i: number): DnsRecord => ({
  type: 'SRV',
  name: 'big.default.svc.cluster.local.',
  ttl: 30,
  data: { priority: 0, weight: 1, port: 1000 + i, target: `10-244-0-${i}.big.default.svc.cluster.local.` },
});

function reply(answers: DnsRecord[], extra: Partial<ReplyMessage> = {}): ReplyMessage {
  return {
    id: 42,
    flags: 0x8400,
    rcode: 0,
    question: { name: 'big.default.svc.cluster.local.', type: 33, class: 1 },
    answers,
    authorities: [],
    additionals: [],
    opt: undefined,
    ...extra,
  };
}

describe('DNS wire format', () => {
  it('packs every record type the zone gives, readable by another decoder', () => {
    const records: DnsRecord[] = [
      { type: 'A', name: 'web.default.svc.cluster.local.', ttl: 30, data: '10.96.0.1' },
      { type: 'CNAME', name: 'ext.default.svc.cluster.local.', ttl: 30, data: 'example.com.' },
      {
        type: 'PTR',
        name: '1.0.96.10.in-addr.arpa.',
        ttl: 30,
        data: 'kubernetes.default.svc.cluster.local.',
      },
      { type: 'TXT', name: 'dns-version.cluster.local.', ttl: 30, data: ['1.1.0'] },
      srv(1),
      {
        type: 'SOA',
        name: 'cluster.local.',
        ttl: 30,
        data: {
          mname: 'ns.dns.cluster.local.',
          rname: 'hostmaster.cluster.local.',
          serial: 7,
          refresh: 7200,
          retry: 1800,
          expire: 86400,
          minimum: 30,
        },
      },
    ];
    for (const compress of [false, true]) {
      const msg = reply(records, {
        opt: { udpSize: 1232, extendedRcode: 0, version: 0, flags: 0x8000, options: [] },
      });
      const wire = encodeReply(msg, compress);
      expect(wire.length).toBe(messageLength(msg, compress));
      const d = dnsPacket.decode(wire);
      expect(d.id).toBe(42);
      expect(d.flag_aa).toBe(true);
      expect(d.answers?.map((a) => [a.type, a.name, 'data' in a ? a.data : undefined])).toEqual([
        ['A', 'web.default.svc.cluster.local', '10.96.0.1'],
        ['CNAME', 'ext.default.svc.cluster.local', 'example.com'],
        ['PTR', '1.0.96.10.in-addr.arpa', 'kubernetes.default.svc.cluster.local'],
        ['TXT', 'dns-version.cluster.local', [Buffer.from('1.1.0')]],
        [
          'SRV',
          'big.default.svc.cluster.local',
          { priority: 0, weight: 1, port: 1001, target: '10-244-0-1.big.default.svc.cluster.local' },
        ],
        [
          'SOA',
          'cluster.local',
          {
            mname: 'ns.dns.cluster.local',
            rname: 'hostmaster.cluster.local',
            serial: 7,
            refresh: 7200,
            retry: 1800,
            expire: 86400,
            minimum: 30,
          },
        ],
      ]);
      expect(d.additionals?.[0]).toMatchObject({ type: 'OPT', udpPayloadSize: 1232, flag_do: true });
    }
  });

  it('compresses owner names but never an SRV target (miekg, RFC 2782)', () => {
    const msg = reply([srv(1), srv(2)]);
    const plain = encodeReply(msg, false);
    const packed = encodeReply(msg, true);
    // Each owner name becomes a 2-byte pointer to the question; the targets stay whole.
    expect(plain.length - packed.length).toBe(2 * ('big.default.svc.cluster.local.'.length + 1 - 2));
    expect(packed.includes(Buffer.from('\u000a10-244-0-2\u0003big\u0007default', 'latin1'))).toBe(true);
  });

  it('leaves a reply that fits alone, uncompressed', () => {
    const msg = reply([srv(1)]);
    expect(truncateReply(msg, 512)).toEqual({ msg, compress: false });
  });

  it('compresses first, then cuts records and sets TC (miekg Msg.Truncate)', () => {
    const answers = Array.from({ length: 40 }, (_, i) => srv(i));
    const msg = reply(answers, {
      opt: { udpSize: 4096, extendedRcode: 0, version: 0, flags: 0, options: [] },
    });
    expect(messageLength(msg, false)).toBeGreaterThan(2000);
    // Fits once compressed: everything kept, no TC.
    const roomy = truncateReply(msg, messageLength(msg, true));
    expect(roomy.compress).toBe(true);
    expect(roomy.msg.answers).toHaveLength(40);
    expect(roomy.msg.flags & 0x0200).toBe(0);
    // 512 bytes: cut, TC set, the OPT record kept.
    const small = truncateReply(msg, 512);
    const wire = encodeReply(small.msg, small.compress);
    expect(wire.length).toBeLessThanOrEqual(512);
    const d = dnsPacket.decode(wire);
    expect(d.flag_tc).toBe(true);
    expect(d.answers?.length).toBe(small.msg.answers.length);
    expect(small.msg.answers.length).toBeGreaterThan(5);
    expect(d.additionals?.map((a) => a.type)).toEqual(['OPT']);
    // A size under 512 counts as 512.
    expect(truncateReply(msg, 100).msg.answers.length).toBe(small.msg.answers.length);
  });

  it('reads names with pointers and rejects pointer loops', () => {
    const buf = Buffer.from([3, 0x77, 0x65, 0x62, 0, 0xc0, 0]);
    expect(readName(buf, 5)).toEqual({ name: 'web.', end: 7 });
    expect(() => readName(Buffer.from([0xc0, 0]), 0)).toThrow(WireFormatError);
    expect(readName(Buffer.from([3, 0x61, 0x2e, 0x5c, 0]), 0).name).toBe('a\\.\\\\.');
  });

  it('reads the question and the OPT record of a query', () => {
    const q = parseQuery(
      dnsPacket.encode({
        type: 'query',
        id: 3,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ type: 'SRV', name: 'Web.default.svc.cluster.local' }],
        additionals: [
          { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK, options: [] } as never,
        ],
      }),
    );
    expect(q.question).toEqual({ name: 'Web.default.svc.cluster.local.', type: 33, class: 1 });
    expect(q.opt).toMatchObject({ udpSize: 1232, version: 0, flags: 0x8000 });
  });
});
