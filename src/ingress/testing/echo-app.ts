/**
 * A simulated backend pod for ingress tests, in the spirit of the conformance
 * suite's echoserver (reference §2.5): it answers every request with JSON
 * describing what it received (`service`, `pod`, `path` = raw request-target,
 * `host`, `method`, `headers`, `body`, and the connection's virtual source).
 * Special paths make it misbehave on purpose:
 *
 * - `/status/<code>`: answer that status (`?reason=<text>`: with that reason
 *   phrase, percent-decoded; an empty one leaves `HTTP/1.1 <code> `);
 * - `/delay/<ms>`: answer after a delay (real time);
 * - `/hang`: never answer;
 * - `/chunked`: a chunked response; `/eof`: a close-delimited HTTP/1.0 response;
 * - `/big/<bytes>`: a body of that size;
 * - `/reset`: reset the connection;
 * - WebSocket upgrades on any path: echo every message with the pod name.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { App, PodConnection, VirtualTuple } from '../../workloads/types.js';

export interface EchoIdentity {
  readonly namespace: string;
  readonly service: string;
  readonly pod: string;
  readonly port: number;
}

/** What an echo pod reports. */
export interface EchoReport {
  readonly namespace: string;
  readonly service: string;
  readonly pod: string;
  readonly method: string;
  readonly path: string;
  readonly host: string | undefined;
  readonly proto: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Raw header names in the order received. */
  readonly headerOrder: readonly string[];
  readonly body: string;
  readonly remote: string;
}

export class EchoApp implements App {
  readonly listens: App['listens'];
  readonly identity: EchoIdentity;
  /** Requests received, in order. */
  readonly received: EchoReport[] = [];
  readonly #server: Server;
  readonly #tuples = new WeakMap<object, VirtualTuple>();
  readonly #sockets = new Set<Duplex>();
  readonly #wss = new WebSocketServer({ noServer: true });

  constructor(identity: EchoIdentity) {
    this.identity = identity;
    this.listens = [{ port: identity.port, protocol: 'TCP' }];
    this.#server = createServer((req, res) => this.#onRequest(req, res));
    this.#server.keepAliveTimeout = 0;
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data) => ws.send(`${identity.pod}: ${String(data)}`));
      });
    });
  }

  handleConnection(conn: PodConnection): void {
    this.#tuples.set(conn.socket, conn.tuple);
    this.#sockets.add(conn.socket);
    conn.socket.once('close', () => this.#sockets.delete(conn.socket));
    this.#server.emit('connection', conn.socket);
  }

  terminate(): void {
    this.kill();
  }

  kill(): void {
    for (const s of this.#sockets) s.destroy();
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.#answer(req, res, Buffer.concat(chunks).toString('utf8')));
  }

  #report(req: IncomingMessage, body: string): EchoReport {
    const headers: Record<string, string> = {};
    const order: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] as string;
      const value = req.rawHeaders[i + 1] as string;
      order.push(name);
      const lower = name.toLowerCase();
      headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
    }
    const t = this.#tuples.get(req.socket);
    return {
      ...this.identity,
      method: req.method ?? '',
      path: req.url ?? '',
      host: req.headers.host,
      proto: `HTTP/${req.httpVersion}`,
      headers,
      headerOrder: order,
      body,
      remote: t ? `${t.srcIP}:${t.srcPort}` : '',
    };
  }

  #answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const report = this.#report(req, body);
    this.received.push(report);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const json = `${JSON.stringify(report)}\n`;
    const special = /^\/(status|delay|big)\/(\d+)$/.exec(path);
    if (path === '/hang') return;
    if (path === '/reset') {
      (req.socket as Duplex & { resetAndDestroy?: () => void }).resetAndDestroy?.() ?? req.socket.destroy();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('X-Pod', this.identity.pod);
    res.setHeader('Server', 'echo/1.0');
    if (special?.[1] === 'status') {
      res.statusCode = Number(special[2]);
      const reason = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('reason');
      if (reason === '') {
        // Node would write its own phrase for an empty one: write the head by hand.
        const len = Buffer.byteLength(json);
        res.socket?.end(
          `HTTP/1.1 ${special[2]} \r\nContent-Type: application/json\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${json}`,
        );
        return;
      }
      if (reason !== null) res.statusMessage = reason;
    }
    if (special?.[1] === 'delay') {
      setTimeout(() => res.end(json), Number(special[2])).unref();
      return;
    }
    if (special?.[1] === 'big') {
      res.setHeader('Content-Type', 'text/plain');
      res.end('x'.repeat(Number(special[2])));
      return;
    }
    if (path === '/chunked') {
      res.write(json.slice(0, 10));
      setImmediate(() => res.end(json.slice(10)));
      return;
    }
    if (path === '/eof') {
      res.socket?.end(`HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n${json}`);
      return;
    }
    res.setHeader('Content-Length', Buffer.byteLength(json));
    res.end(json);
  }
}
