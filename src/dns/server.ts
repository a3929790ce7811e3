/**
 * The host-facing cluster DNS server: UDP and TCP on the topology's
 * `dns.address` (`dig @127.0.0.1 -p 10053 web.default.svc.cluster.local`). It
 * answers the cluster zone from `answerQuestion`, chases CNAMEs of ExternalName
 * Services, and forwards everything else to the host's resolver. A malformed
 * packet gets FORMERR when its header is readable and is dropped otherwise; the
 * server keeps serving.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Logger } from '../log/index.js';
import { chaseCname } from './resolver.js';
import { forwardQuery } from './upstream.js';
import { answerQuestion, type ClusterDnsView, type DnsRecord } from './zone.js';

export interface DnsServerConfig {
  readonly host: string;
  readonly port: number;
  readonly view: ClusterDnsView;
  readonly logger: Logger;
  /** Upstream nameservers for names outside the cluster. */
  readonly upstream: readonly string[];
  /** Resolves a name outside the cluster zone to IPv4 addresses, for CNAME chasing. */
  readonly lookupExternal?: (name: string) => Promise<string[]>;
}

function toPacketAnswers(records: readonly DnsRecord[]): dnsPacket.Answer[] {
  return records.map((r) => ({ ...r, class: 'IN' }) as dnsPacket.Answer);
}

/** A minimal reply with the query's id and an rcode, built by hand when the query cannot be decoded. */
function headerOnlyReply(query: Buffer, rcode: number): Buffer | undefined {
  if (query.length < 12) return undefined;
  const reply = Buffer.alloc(12);
  query.copy(reply, 0, 0, 2);
  reply[2] = 0x80 | ((query[2] ?? 0) & 0x79);
  reply[3] = 0x80 | (rcode & 0x0f);
  return reply;
}

const RCODE: Record<string, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};

/**
 * Answers one raw query buffer: the cluster's records, or the upstream's reply.
 * Exported for the in-cluster CoreDNS pods, which answer the same way.
 */
export async function handleQuery(
  query: Buffer,
  config: Pick<DnsServerConfig, 'view' | 'upstream' | 'lookupExternal'>,
): Promise<Buffer | undefined> {
  let packet: dnsPacket.DecodedPacket;
  try {
    packet = dnsPacket.decode(query);
  } catch {
    return headerOnlyReply(query, RCODE.FORMERR as number);
  }
  const question = packet.questions?.[0];
  if (!question || packet.type !== 'query') return headerOnlyReply(query, RCODE.FORMERR as number);
  const answer = answerQuestion(config.view, question.name, question.type);
  if (answer.forward === true) {
    for (const server of config.upstream) {
      const reply = await forwardQuery(query, server);
      if (reply) return reply;
    }
    return headerOnlyReply(query, RCODE.SERVFAIL as number);
  }
  const chased = await chaseCname(answer, question.type, config);
  // CoreDNS answers with the name as asked (`state.QName()`): the case of the question is kept.
  const asked = question.name.replace(/\.$/, '');
  const keepCase = (records: readonly DnsRecord[]): DnsRecord[] =>
    records.map((r) =>
      r.name.replace(/\.$/, '').toLowerCase() === asked.toLowerCase() && r.name.replace(/\.$/, '') !== asked
        ? { ...r, name: r.name.endsWith('.') ? `${asked}.` : asked }
        : r,
    );
  return dnsPacket.encode({
    type: 'response',
    id: packet.id ?? 0,
    flags:
      dnsPacket.AUTHORITATIVE_ANSWER |
      dnsPacket.RECURSION_AVAILABLE |
      ((packet.flags ?? 0) & dnsPacket.RECURSION_DESIRED) |
      ((RCODE[chased.rcode] ?? 0) & 0xf),
    questions: [question],
    answers: toPacketAnswers(keepCase(chased.answers)),
    authorities: toPacketAnswers(chased.authorities),
    additionals: toPacketAnswers(chased.additionals),
  });
}

export interface RunningDnsServer {
  readonly udp: UdpSocket;
  readonly tcp: Server;
  close(): Promise<void>;
}

/** Starts UDP and TCP listeners on the same loopback address and port. */
export async function startDnsServer(config: DnsServerConfig): Promise<RunningDnsServer> {
  const udp = createSocket({ type: 'udp4' });
  udp.on('message', (msg, remote) => {
    handleQuery(msg, config).then(
      (reply) => {
        if (reply) udp.send(reply, remote.port, remote.address);
      },
      (err: unknown) => config.logger.warn({ err: String(err) }, 'DNS query failed'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind({ address: config.host, port: config.port, exclusive: true }, () => {
      udp.removeListener('error', reject);
      resolve();
    });
  });
  const actualPort = udp.address().port;
  const tcp = createServer((socket) => serveTcp(socket, config));
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen({ host: config.host, port: actualPort, exclusive: true }, () => {
      tcp.removeListener('error', reject);
      resolve();
    });
  });
  config.logger.info({ address: `${config.host}:${actualPort}` }, 'Cluster DNS listening (UDP and TCP)');
  return {
    udp,
    tcp,
    close: async () => {
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}

/** DNS over TCP: 2-byte length-prefixed messages, several per connection. */
function serveTcp(socket: Socket, config: DnsServerConfig): void {
  let buf = Buffer.alloc(0);
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      const query = buf.subarray(2, 2 + len);
      buf = buf.subarray(2 + len);
      handleQuery(query, config).then(
        (reply) => {
          if (!reply || socket.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([head, reply]));
        },
        () => socket.destroy(),
      );
    }
  });
}
