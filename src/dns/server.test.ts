import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import { type RunningDnsServer, startDnsServer } from './server.js';
import type { ClusterDnsView } from './zone.js';

const view: ClusterDnsView = {
  clusterDomain: 'cluster.local',
  dnsServiceIP: '10.96.0.10',
  serial: () => 1,
  namespaceExists: (ns) => ns === 'default',
  service: (ns, name) =>
    ns === 'default' && name === 'web'
      ? {
          namespace: 'default',
          name: 'web',
          type: 'ClusterIP',
          clusterIPs: ['10.96.12.34'],
          ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        }
      : undefined,
  readyEndpoints: () => [],
  serviceByClusterIP: () => undefined,
  endpointByIP: () => undefined,
};

let server: RunningDnsServer;
let port = 0;

beforeAll(async () => {
  // An upstream that never answers: forwarded names must come back SERVFAIL, not hang.
  server = await startDnsServer({
    host: '127.0.0.1',
    port: 0,
    view,
    logger: silentLogger(),
    upstream: ['127.0.0.1'],
  });
  port = server.udp.address().port;
});
afterAll(() => server.close());

function udpQuery(payload: Buffer): Promise<Buffer> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('timeout'));
    }, 5000);
    socket.on('message', (m) => {
      clearTimeout(timer);
      socket.close();
      resolve(m);
    });
    socket.send(payload, port, '127.0.0.1');
  });
}

describe('DNS server', () => {
  it('answers A over UDP with AA and RA set', async () => {
    const reply = dnsPacket.decode(
      await udpQuery(
        dnsPacket.encode({
          type: 'query',
          id: 7,
          flags: dnsPacket.RECURSION_DESIRED,
          questions: [{ type: 'A', name: 'web.default.svc.cluster.local' }],
        }),
      ),
    );
    expect(reply.id).toBe(7);
    expect((reply as { rcode?: string }).rcode).toBe('NOERROR');
    expect(reply.flag_aa).toBe(true);
    expect(reply.flag_ra).toBe(true);
    expect(
      reply.answers?.map((a) => [a.type, a.name, 'data' in a ? a.data : '', 'ttl' in a ? a.ttl : 0]),
    ).toEqual([['A', 'web.default.svc.cluster.local', '10.96.12.34', 30]]);
  });

  it('keeps the case of the question in the answer, as CoreDNS does', async () => {
    const reply = dnsPacket.decode(
      await udpQuery(
        dnsPacket.encode({
          type: 'query',
          id: 8,
          questions: [{ type: 'A', name: 'WEB.Default.svc.Cluster.Local' }],
        }),
      ),
    );
    expect(reply.questions?.[0]?.name).toBe('WEB.Default.svc.Cluster.Local');
    expect(reply.answers?.map((a) => [a.type, a.name, 'data' in a ? a.data : ''])).toEqual([
      ['A', 'WEB.Default.svc.Cluster.Local', '10.96.12.34'],
    ]);
  });

  it('answers NXDOMAIN with the SOA over TCP', async () => {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const q = dnsPacket.streamEncode({
      type: 'query',
      id: 9,
      questions: [{ type: 'A', name: 'nope.default.svc.cluster.local' }],
    });
    socket.write(q);
    const [data] = (await once(socket, 'data')) as [Buffer];
    socket.destroy();
    const reply = dnsPacket.streamDecode(data);
    expect((reply as { rcode?: string }).rcode).toBe('NXDOMAIN');
    expect(reply.authorities?.[0]?.type).toBe('SOA');
  });

  it('answers FORMERR to garbage with a readable header and keeps serving', async () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
    const reply = await udpQuery(garbage);
    expect(reply.readUInt16BE(0)).toBe(0x1234);
    expect(reply[3]! & 0x0f).toBe(1);
    const again = dnsPacket.decode(
      await udpQuery(
        dnsPacket.encode({
          type: 'query',
          id: 1,
          questions: [{ type: 'A', name: 'web.default.svc.cluster.local' }],
        }),
      ),
    );
    expect((again as { rcode?: string }).rcode).toBe('NOERROR');
  });
});
