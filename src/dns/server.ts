/**
 * The host-facing cluster DNS server: UDP and TCP on the topology's
 * `dns.address` (`dig @127.0.0.1 -p 10053 web.default.svc.cluster.local`),
 * answering as CoreDNS does (respond.ts). Nothing a client sends can stop it:
 * a short packet or a reply is dropped, a malformed query gets FORMERR, and a
 * failure while answering gets SERVFAIL.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log/index.js';
import { type Random, systemRandom } from '../util/random.js';
import { errorReply, type RespondConfig, rejectReply, respond, type Transport } from './respond.js';
import { FLAG, OPCODE, opcodeOf, parseQuery, type Query, RCODE, readHeader } from './wire-read.js';
import { MAX_MSG_SIZE } from './wire-write.js';
import type { ClusterDnsView } from './zone.js';

export type { Transport } from './respond.js';

export interface DnsServerConfig {
  readonly host: string;
  readonly port: number;
  readonly view: ClusterDnsView;
  readonly logger: Logger;
  /** Upstream nameservers for names outside the cluster. */
  readonly upstream: readonly string[];
  /** Resolves a name outside the cluster zone to IPv4 addresses, for CNAME chasing. */
  readonly lookupExternal?: (name: string) => Promise<string[]>;
  /** Draws for `loadbalance`'s shuffles. @default systemRandom */
  readonly random?: Random;
}

export interface HandleQueryOptions {
  /** How the query came: sets the largest reply (65535 bytes over TCP). @default 'udp' */
  readonly transport?: Transport;
  readonly logger?: Logger;
}

/**
 * Answers one raw query: the cluster's records, or the upstream's reply.
 * Undefined when nothing must be sent back (shorter than a header, or a
 * reply). Never rejects, and the reply always fits the transport. Exported
 * for the in-cluster CoreDNS pods, which answer the same way.
 */
export async function handleQuery(
  query: Buffer,
  config: Pick<DnsServerConfig, 'view' | 'upstream' | 'lookupExternal' | 'random'>,
  options: HandleQueryOptions = {},
): Promise<Buffer | undefined> {
  const header = readHeader(query);
  // miekg/dns's DefaultMsgAcceptFunc: ignore replies, NOTIMP odd opcodes, FORMERR odd section counts.
  if (!header || header.flags & FLAG.QR) return undefined;
  const opcode = opcodeOf(header.flags);
  if (opcode !== OPCODE.QUERY && opcode !== OPCODE.NOTIFY) return rejectReply(query, RCODE.NOTIMP);
  if (header.qdcount !== 1 || header.ancount > 1 || header.nscount > 1 || header.arcount > 2)
    return rejectReply(query, RCODE.FORMERR);
  let parsed: Query;
  try {
    parsed = parseQuery(query);
  } catch {
    return rejectReply(query, RCODE.FORMERR);
  }
  const respondConfig: RespondConfig = { ...config, random: config.random ?? systemRandom };
  try {
    const reply = await respond(parsed, query, respondConfig, options.transport ?? 'udp');
    return reply.length <= MAX_MSG_SIZE ? reply : errorReply(parsed, RCODE.SERVFAIL);
  } catch (err) {
    // CoreDNS recovers from a panic in a plugin with SERVFAIL.
    options.logger?.warn({ err: String(err) }, 'DNS query failed');
    return errorReply(parsed, RCODE.SERVFAIL);
  }
}

/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): 2-byte length-prefixed messages,
 * several per connection, answered in order. Used by the host server and the
 * CoreDNS pods. `answer` must not reject; a reply that cannot be framed is
 * dropped with the connection.
 */
export function serveDnsStream(stream: Duplex, answer: (query: Buffer) => Promise<Buffer | undefined>): void {
  let buf: Buffer = Buffer.alloc(0);
  let queue: Promise<void> = Promise.resolve();
  stream.on('error', () => stream.destroy());
  stream.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const query = Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      buf = buf.subarray(2 + query.length);
      queue = queue.then(async () => {
        const reply = await answer(query).catch(() => undefined);
        if (!reply || stream.destroyed) return;
        if (reply.length > MAX_MSG_SIZE) {
          stream.destroy();
          return;
        }
        const head = Buffer.alloc(2);
        head.writeUInt16BE(reply.length);
        stream.write(Buffer.concat([head, reply]));
      });
    }
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
    void handleQuery(msg, config, { transport: 'udp', logger: config.logger }).then((reply) => {
      if (!reply) return;
      try {
        udp.send(reply, remote.port, remote.address, () => undefined);
      } catch {
        // The socket closed while the query was answered.
      }
    });
  });
  udp.on('error', (err) => config.logger.warn({ err: String(err) }, 'DNS UDP socket error'));
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

/** DNS over TCP on the host: idle connections are closed after ten seconds. */
function serveTcp(socket: Socket, config: DnsServerConfig): void {
  socket.setTimeout(10_000, () => socket.destroy());
  serveDnsStream(socket, (query) => handleQuery(query, config, { transport: 'tcp', logger: config.logger }));
}
