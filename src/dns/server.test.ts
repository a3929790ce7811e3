import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { seededRandom } from '../util/random.js';
import { type RunningDnsServer, startDnsServer } from './server.js';
import type { ClusterDnsView, ViewEndpoint, ViewService } from './zone.js';

const HTTP = { name: 'http', port: 80, protocol: 'TCP' };
const services: ViewService[] = [
  { namespace: 'default', name: 'web', type: 'ClusterIP', clusterIPs: ['10.96.12.34'], ports: [HTTP] },
  { namespace: 'default', name: 'hl', type: 'ClusterIP', clusterIPs: ['None'], ports: [HTTP] },
  { namespace: 'default', name: 'bigsrv', type: 'ClusterIP', clusterIPs: ['None'], ports: [] },
  ...[
    ['alias2', 'alias1.default.svc.cluster.local'],
    ['alias1', 'web.default.svc.cluster.local'],
    ['loop1', 'loop1.default.svc.cluster.local'],
  ].map(
    ([name, target]): ViewService => ({
      namespace: 'default',
      name: name ?? '',
      type: 'ExternalName',
      clusterIPs: [],
      externalName: target,
      ports: [],
    }),
  ),
];
// 16 ports over 70 pods: 1120 SRV records, more than 65535 bytes even compressed.
const BIG_PORTS = Array.from({ length: 16 }, (_, i) => ({ name: `p${i}`, port: 8000 + i, protocol: 'TCP' }));
const endpoints: Record<string, ViewEndpoint[]> = {
  'default/hl': ['10.244.1.1', '10.244.1.2', '10.244.1.3'].map((ip) => ({ ip, ports: [HTTP] })),
  'default/bigsrv': Array.from({ length: 70 }, (_, i) => ({ ip: `10.244.2.${i + 1}`, ports: BIG_PORTS })),
};

const view: ClusterDnsView = {
  clusterDomain: 'cluster.local',
  dnsServiceIP: '10.96.0.10',
  serial: () => 1,
  namespaceExists: (ns) => ns === 'default' || ns === 'broken',
  service: (ns, name) => {
    if (ns === 'broken') throw new Error('Store exploded');
    return services.find((s) => s.namespace === ns && s.name === name);
  },
  readyEndpoints: (ns, name) => endpoints[`${ns}/${name}`] ?? [],
  serviceByClusterIP: () => undefined,
  endpointByIP: () => undefined,
};

let server: RunningDnsServer;
let upstream: UdpSocket;
let port = 0;

/** A stand-in for the host's resolver: answers with RA set and an OPT of its own; `big.example` overflows 512 bytes. */
function startUpstream(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, remote) => {
    const q = dnsPacket.decode(msg);
    const name = q.questions?.[0]?.name ?? '';
    const count = name === 'big.example' ? 60 : 1;
    const edns = q.additionals?.some((a) => a.type === 'OPT');
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: q.questions ?? [],
      answers: Array.from({ length: count }, (_, i) => ({
        type: 'A' as const,
        name,
        ttl: 300,
        data: `192.0.2.${i + 1}`,
      })),
      additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 65494, flags: 0 } as never] : [],
    });
    socket.send(reply, remote.port, remote.address);
  });
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
}

beforeAll(async () => {
  upstream = await startUpstream();
  server = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    view,
    logger: silentLogger(),
    upstream: [`127.0.0.1:${upstream.address().port}`],
    random: seededRandom(1),
  });
  port = server.udp.address().port;
});
afterAll(async () => {
  await server.close();
  upstream.close();
});

function udpQuery(payload: Buffer, timeoutMs = 5000): Promise<Buffer | undefined> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, timeoutMs);
    socket.on('message', (m) => {
      clearTimeout(timer);
      socket.close();
      resolve(m);
    });
    socket.send(payload, port, '127.0.0.1');
  });
}

/** Sends length-prefixed queries on one connection and reads `count` framed replies. */
async function tcpQueries(payloads: Buffer[]): Promise<Buffer[]> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    Buffer.concat(
      payloads.flatMap((p) => {
        const head = Buffer.alloc(2);
        head.writeUInt16BE(p.length);
        return [head, p];
      }),
    ),
  );
  let buf = Buffer.alloc(0);
  const replies: Buffer[] = [];
  for await (const chunk of socket) {
    buf = Buffer.concat([buf, chunk as Buffer]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      replies.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      buf = buf.subarray(2 + buf.readUInt16BE(0));
    }
    if (replies.length === payloads.length) break;
  }
  socket.destroy();
  return replies;
}

interface Ask {
  name: string;
  type?: string;
  id?: number;
  flags?: number;
  edns?: { size: number; do?: boolean };
}

function query({ name, type = 'A', id = 1, flags = dnsPacket.RECURSION_DESIRED, edns }: Ask): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags,
    questions: [{ type: type as 'A', name }],
    additionals: edns
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: edns.size,
            flags: edns.do ? dnsPacket.DNSSEC_OK : 0,
            options: [],
          } as never,
        ]
      : [],
  });
}

async function ask(q: Ask): Promise<{ raw: Buffer; d: dnsPacket.DecodedPacket & { rcode?: string } }> {
  const raw = await udpQuery(query(q));
  if (!raw) throw new Error('No reply');
  return { raw, d: dnsPacket.decode(raw) };
}

function records(d: dnsPacket.DecodedPacket): string[] {
  return (d.answers ?? []).map((a) => `${a.type} ${a.name} ${'data' in a ? JSON.stringify(a.data) : ''}`);
}

describe('DNS server: header and flags as CoreDNS sets them', () => {
  it('answers A with AA and RD, without RA (the kubernetes plugin is no recursor)', async () => {
    const { d } = await ask({ name: 'web.default.svc.cluster.local', id: 7 });
    expect(d.id).toBe(7);
    expect(d.rcode).toBe('NOERROR');
    expect([d.flag_qr, d.flag_aa, d.flag_rd, d.flag_ra]).toEqual([true, true, true, false]);
    expect(
      d.answers?.map((a) => [a.type, a.name, 'data' in a ? a.data : '', 'ttl' in a ? a.ttl : 0]),
    ).toEqual([['A', 'web.default.svc.cluster.local', '10.96.12.34', 30]]);
  });

  it('copies CD, and leaves RD clear when the query did', async () => {
    const { d } = await ask({ name: 'web.default.svc.cluster.local', flags: dnsPacket.CHECKING_DISABLED });
    expect([d.flag_rd, d.flag_cd]).toEqual([false, true]);
  });

  it('keeps the case of the question in the answer', async () => {
    const { d } = await ask({ name: 'WEB.Default.svc.Cluster.Local' });
    expect(d.questions?.[0]?.name).toBe('WEB.Default.svc.Cluster.Local');
    expect(records(d)).toEqual(['A WEB.Default.svc.Cluster.Local "10.96.12.34"']);
  });

  it('ignores a reply, FORMERRs two questions or garbage, NOTIMPs UPDATE and STATUS, and keeps serving', async () => {
    const reply = query({ name: 'web.default.svc.cluster.local', id: 0x55 });
    reply.writeUInt16BE(reply.readUInt16BE(2) | 0x8000, 2);
    expect(await udpQuery(reply, 300)).toBeUndefined();

    const two = dnsPacket.encode({
      type: 'query',
      id: 0x66,
      questions: [
        { type: 'A', name: 'web.default.svc.cluster.local' },
        { type: 'A', name: 'hl.default.svc.cluster.local' },
      ],
    });
    const formerr = (await udpQuery(two)) as Buffer;
    expect([formerr.readUInt16BE(0), formerr[3]! & 0x0f, formerr.readUInt16BE(4)]).toEqual([0x66, 1, 0]);

    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 9, 2, 3]);
    const bad = (await udpQuery(garbage)) as Buffer;
    expect([bad.readUInt16BE(0), bad[2]! & 0x80, bad[3]! & 0x0f]).toEqual([0x1234, 0x80, 1]);

    for (const opcode of [2, 5]) {
      const q = query({ name: 'web.default.svc.cluster.local', id: opcode });
      q.writeUInt16BE(q.readUInt16BE(2) | (opcode << 11), 2);
      const r = (await udpQuery(q)) as Buffer;
      expect([r.readUInt16BE(0), (r[2]! >> 3) & 0x0f, r[3]! & 0x0f]).toEqual([opcode, opcode, 4]);
    }
    expect((await ask({ name: 'web.default.svc.cluster.local' })).d.rcode).toBe('NOERROR');
  });

  it('answers NXDOMAIN with the SOA over TCP', async () => {
    const [raw] = await tcpQueries([query({ name: 'nope.default.svc.cluster.local' })]);
    const d = dnsPacket.decode(raw as Buffer) as dnsPacket.DecodedPacket & { rcode?: string };
    expect(d.rcode).toBe('NXDOMAIN');
    expect(d.flag_aa).toBe(true);
    expect(d.authorities?.[0]?.type).toBe('SOA');
  });

  it('refuses AXFR (no transfer plugin) and classes other than IN', async () => {
    const [axfr] = await tcpQueries([query({ name: 'cluster.local', type: 'AXFR' })]);
    const d = dnsPacket.decode(axfr as Buffer) as dnsPacket.DecodedPacket & { rcode?: string };
    expect([d.rcode, d.flag_aa, d.answers?.length, d.authorities?.length]).toEqual(['REFUSED', false, 0, 0]);
    const chaos = dnsPacket.encode({
      type: 'query',
      id: 9,
      questions: [{ type: 'TXT', name: 'version.bind', class: 'CH' }],
    });
    const r = (await udpQuery(chaos)) as Buffer;
    expect(r[3]! & 0x0f).toBe(5);
  });

  it('answers SERVFAIL when answering fails, and keeps serving', async () => {
    const { d } = await ask({ name: 'web.broken.svc.cluster.local' });
    expect(d.rcode).toBe('SERVFAIL');
    expect((await ask({ name: 'web.default.svc.cluster.local' })).d.rcode).toBe('NOERROR');
  });
});

describe('DNS server: EDNS and reply size', () => {
  it('echoes the OPT record of the query: its UDP size, DO (dig +dnssec)', async () => {
    const { d } = await ask({ name: 'web.default.svc.cluster.local', edns: { size: 1232, do: true } });
    expect(d.additionals).toMatchObject([{ type: 'OPT', udpPayloadSize: 1232, flag_do: true }]);
    const noedns = await ask({ name: 'web.default.svc.cluster.local' });
    expect(noedns.d.additionals).toEqual([]);
  });

  it('answers BADVERS to EDNS version 1', async () => {
    const q = query({ name: 'web.default.svc.cluster.local', edns: { size: 1232 } });
    q.writeUInt8(1, q.length - 5); // the OPT TTL's version byte
    const raw = (await udpQuery(q)) as Buffer;
    const d = dnsPacket.decode(raw);
    const opt = d.additionals?.[0] as {
      extendedRcode?: number;
      udpPayloadSize?: number;
      ednsVersion?: number;
    };
    expect([
      raw[3]! & 0x0f,
      opt.extendedRcode,
      opt.ednsVersion,
      opt.udpPayloadSize,
      d.answers?.length,
    ]).toEqual([0, 1, 0, 0, 0]);
  });

  it('truncates a large UDP reply to 512 bytes without EDNS, to the EDNS size with it, and sets TC', async () => {
    const plain = await ask({ name: 'bigsrv.default.svc.cluster.local', type: 'SRV' });
    expect(plain.raw.length).toBeLessThanOrEqual(512);
    expect(plain.d.flag_tc).toBe(true);
    expect(plain.d.answers?.length).toBeGreaterThan(0);
    const edns = await ask({ name: 'bigsrv.default.svc.cluster.local', type: 'SRV', edns: { size: 1232 } });
    expect(edns.raw.length).toBeLessThanOrEqual(1232);
    expect(edns.raw.length).toBeGreaterThan(1000);
    expect(edns.d.flag_tc).toBe(true);
    expect(edns.d.additionals?.at(-1)).toMatchObject({ type: 'OPT', udpPayloadSize: 1232 });
  });

  it('fits a reply over 65535 bytes into one TCP message, TC set, and keeps serving (issue: RangeError crash)', async () => {
    const [big, next] = await tcpQueries([
      query({ name: 'bigsrv.default.svc.cluster.local', type: 'SRV' }),
      query({ name: 'web.default.svc.cluster.local', id: 2 }),
    ]);
    expect(big?.length).toBeLessThanOrEqual(65535);
    const d = dnsPacket.decode(big as Buffer);
    expect(d.flag_tc).toBe(true);
    expect(d.answers?.length).toBeGreaterThan(900);
    expect(dnsPacket.decode(next as Buffer).answers?.length).toBe(1);
  });
});

describe('DNS server: answers', () => {
  it('follows in-zone CNAMEs to the end, and answers NODATA to a CNAME loop', async () => {
    const { d } = await ask({ name: 'alias2.default.svc.cluster.local' });
    expect(records(d)).toEqual([
      'CNAME alias2.default.svc.cluster.local "alias1.default.svc.cluster.local"',
      'CNAME alias1.default.svc.cluster.local "web.default.svc.cluster.local"',
      'A web.default.svc.cluster.local "10.96.12.34"',
    ]);
    const loop = await ask({ name: 'loop1.default.svc.cluster.local' });
    expect([loop.d.rcode, loop.d.answers?.length, loop.d.authorities?.[0]?.type]).toEqual([
      'NOERROR',
      0,
      'SOA',
    ]);
  });

  it('rotates the A records of a headless Service (loadbalance)', async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 12; i++)
      orders.add(records((await ask({ name: 'hl.default.svc.cluster.local' })).d).join(','));
    expect(orders.size).toBeGreaterThan(1);
    for (const order of orders) expect(order.split(',').sort()).toHaveLength(3);
  });

  it("passes an upstream's reply through with its RA, its OPT record sized for the client", async () => {
    const { d } = await ask({ name: 'example.org', edns: { size: 1232 } });
    expect([d.rcode, d.flag_ra, d.flag_aa]).toEqual(['NOERROR', true, false]);
    expect(records(d)).toEqual(['A example.org "192.0.2.1"']);
    expect(d.additionals).toMatchObject([{ type: 'OPT', udpPayloadSize: 1232 }]);
    const big = await ask({ name: 'big.example' });
    expect(big.raw.length).toBeLessThanOrEqual(512);
    expect([big.d.flag_tc, big.d.answers?.length, big.d.questions?.[0]?.name]).toEqual([
      true,
      0,
      'big.example',
    ]);
  });
});
