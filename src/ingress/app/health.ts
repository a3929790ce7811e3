/**
 * The controller's health port (10254), served by its Go process: `/healthz`
 * answers 200 `ok` (k8s.io/apiserver's `healthz` handler) while the
 * controller runs, and 500 once it is shutting down; any other path is Go's
 * `404 page not found`. The readiness and liveness probes of the Deployment
 * hit it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { writeExactHead } from './client-exchange.js';
import { httpDate } from './pages.js';

/** The Go net/http answer with `Content-Type: text/plain; charset=utf-8` and `nosniff`. */
function goText(res: ServerResponse, status: number, reason: string, body: string, now: number): void {
  const head =
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `X-Content-Type-Options: nosniff\r\nDate: ${httpDate(now)}\r\nContent-Length: ${body.length}`;
  writeExactHead(res, status, head, { contentLength: body.length, close: !res.shouldKeepAlive });
  res.end(body);
}

export class HealthServer {
  readonly #server: Server;
  readonly #sockets = new Set<Duplex>();
  healthy = true;

  constructor(now: () => number) {
    this.#server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/healthz') {
        if (this.healthy) goText(res, 200, 'OK', 'ok', now());
        else
          goText(
            res,
            500,
            'Internal Server Error',
            '[-]nginx failed: shutting down\nhealthz check failed\n',
            now(),
          );
        return;
      }
      goText(res, 404, 'Not Found', '404 page not found\n', now());
    });
    this.#server.keepAliveTimeout = 0;
  }

  accept(socket: Duplex): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    this.#server.emit('connection', socket);
  }

  destroyAll(): void {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }
}
