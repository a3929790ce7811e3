/**
 * Any image netkube does not know (gb-frontend, php:8.2-fpm, in-house
 * images): it answers on every declared containerPort, HTTP with a whoami-like
 * page naming the pod (so Services and Ingresses over it can be tried), and a
 * byte echo on ports that are named or known as non-HTTP (databases, brokers).
 * With no declared port it answers on every TCP port, because the real image's
 * ports are unknown. Declared UDP ports echo datagrams.
 */
import type { IncomingMessage } from 'node:http';
import type { ContainerPort } from '../../api/types.js';
import { type GoRequest, goRequestWrite, readBody } from '../http/go-request.js';
import type { GoResponseWriter } from '../http/go-response.js';
import type { AppContext, ListenSpec, PodConnection, VirtualTuple } from '../types.js';
import { GoHttpApp } from './go-http-app.js';
import { podInterfaceAddresses } from './whoami.js';

/** Ports whose usual protocol is not HTTP. */
const NON_HTTP_PORTS = new Set([22, 25, 53, 1883, 2181, 3306, 5432, 5672, 6379, 9042, 9092, 11211, 27017]);
const NON_HTTP_NAME =
  /(mysql|maria|postgres|pg|redis|mongo|memcache|amqp|mqtt|kafka|zookeeper|cassandra|tcp|grpc|smtp|ssh|dns)/i;

/** Whether a declared port should echo bytes instead of speaking HTTP. */
export function isNonHttpPort(port: ContainerPort): boolean {
  return NON_HTTP_PORTS.has(port.containerPort) || NON_HTTP_NAME.test(port.name ?? '');
}

/** The fallback process. `anyTcpPort` is set when the container declares no port. */
export class FallbackApp extends GoHttpApp {
  readonly anyTcpPort: boolean;
  readonly #echoPorts: ReadonlySet<number>;

  constructor(ctx: AppContext) {
    const ports = ctx.container.ports;
    const listens: ListenSpec[] = ports.map((p) => ({
      port: p.containerPort,
      protocol: p.protocol === 'UDP' || p.protocol === 'SCTP' ? p.protocol : 'TCP',
    }));
    super(ctx, listens);
    this.anyTcpPort = ports.length === 0;
    this.#echoPorts = new Set(ports.filter(isNonHttpPort).map((p) => p.containerPort));
  }

  protected override serve(conn: PodConnection): void {
    if (!this.#echoPorts.has(conn.tuple.dstPort)) {
      super.serve(conn);
      return;
    }
    conn.socket.on('error', () => conn.socket.destroy());
    conn.socket.pipe(conn.socket);
  }

  handleDatagram(message: Buffer, _tuple: VirtualTuple, reply: (data: Buffer) => void): void {
    reply(message);
  }

  protected async route(w: GoResponseWriter, r: GoRequest, raw: IncomingMessage): Promise<void> {
    const body = await readBody(raw);
    w.write(`Hostname: ${this.ctx.pod.hostname}\n`);
    for (const ip of podInterfaceAddresses(this.ctx.pod.ip)) w.write(`IP: ${ip}\n`);
    w.write(`RemoteAddr: ${r.remoteAddr}\n`);
    w.write(goRequestWrite(r, body));
  }
}
