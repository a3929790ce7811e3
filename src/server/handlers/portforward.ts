/**
 * `kubectl port-forward` through the API server, as the kubelet serves it
 * (`pkg/kubelet/cri/streaming/portforward/httpstream.go`): the request is
 * upgraded to SPDY/3.1 with the `portforward.k8s.io` protocol; for every local
 * connection kubectl opens an error stream and a data stream with the same
 * `requestID`, and once both are there the data stream is joined to a
 * connection to the port inside the pod, made as from the pod's own localhost
 * (that is where the kubelet dials, so an app sees 127.0.0.1 as its client and
 * no Service, kube-proxy rule or NetworkPolicy is involved). A failure is
 * written on the error stream, which kubectl prints; then both streams end.
 *
 * kubectl first tries SPDY tunnelled in a WebSocket; any answer but 101 makes
 * it fall back to this plain upgrade, which is all netkube serves.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest, StatusError } from '../../api/index.js';
import { joinStreams } from '../../util/join-streams.js';
import { RstStatus, SpdySession, type SpdyStream } from '../http/spdy.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** How long the second stream of a pair may take (the kubelet's `streamCreationTimeout` default). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface PortForwardTarget {
  readonly namespace: string;
  readonly pod: string;
}

/** The pods' side: the emulator connects to a port inside a simulated pod. */
export interface PodPortForward {
  /** Throws the StatusError the API server answers before upgrading (an unknown pod: 404). */
  check(target: PortForwardTarget): void;
  /**
   * A connection to `port` as from inside the pod, or the kubelet's message
   * when nothing accepts it there.
   */
  connect(target: PortForwardTarget, port: number): Duplex | string;
}

/** The pod side's checks (an unknown pod is 404); false, with the Status written, when they fail. */
function reachable(
  pods: PodPortForward,
  target: PortForwardTarget,
  refuse: (err: StatusError) => void,
): boolean {
  try {
    pods.check(target);
    return true;
  } catch (err) {
    refuse(err as StatusError);
    return false;
  }
}

/** Whether the request asks for the plain SPDY upgrade with the port-forward protocol. */
export function isSpdyPortForward(req: IncomingMessage): boolean {
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  const protocols = req.headersDistinct['x-stream-protocol-version'] ?? [];
  return (
    upgrade.split(',').some((u) => u.trim() === 'spdy/3.1') &&
    protocols.some((p) => p.split(',').some((v) => v.trim() === PORT_FORWARD_PROTOCOL))
  );
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/**
 * Upgrades `socket` and serves port-forward streams until the session ends.
 * `refuse` writes an API error on the socket when the pod cannot be reached.
 */
export function servePortForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: PortForwardTarget,
  pods: PodPortForward,
  refuse: (err: StatusError) => void,
): void {
  if (!reachable(pods, target, refuse)) return;
  if (!isSpdyPortForward(req)) {
    refuse(
      badRequest(
        `unable to upgrade connection: netkube serves port-forward over SPDY/3.1 (Upgrade: SPDY/3.1, X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}), which kubectl falls back to`,
      ),
    );
    return;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`,
  );
  const pairs = new Map<string, Pair>();
  const conns = new Set<Duplex>();
  const paused = new Set<Duplex>();
  socket.on('drain', () => {
    for (const c of paused) c.resume();
    paused.clear();
  });
  const session = new SpdySession(socket, (stream) => {
    if (!validStream(stream)) {
      stream.reset(RstStatus.protocolError);
      return;
    }
    const id = requestId(stream);
    let pair = pairs.get(id);
    if (!pair) {
      const timer = setTimeout(() => {
        const p = pairs.get(id);
        pairs.delete(id);
        if (!p) return;
        p.error?.write(Buffer.from(`(conn=${target.pod}, request=${id}) timed out waiting for streams`));
        p.error?.end();
        p.data?.end();
      }, STREAM_CREATION_TIMEOUT_MS);
      timer.unref();
      pair = { timer };
      pairs.set(id, pair);
    }
    const type = stream.headers.get('streamtype');
    if ((type === 'error' && pair.error) || (type === 'data' && pair.data)) {
      stream.write(Buffer.from(`error processing stream for request ${id}: ${type} stream already assigned`));
      stream.end();
      return;
    }
    if (type === 'error') pair.error = stream;
    else pair.data = stream;
    if (!pair.error || !pair.data) return;
    clearTimeout(pair.timer);
    pairs.delete(id);
    forward(pair.error, pair.data, Number(stream.headers.get('port')));
  });
  session.onClose(() => {
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
    for (const c of conns) c.destroy();
    conns.clear();
  });
  if (head.length) socket.unshift(head);

  function forward(error: SpdyStream, data: SpdyStream, port: number): void {
    const conn = pods.connect(target, port);
    if (typeof conn === 'string') {
      error.write(Buffer.from(conn));
      error.end();
      data.end();
      return;
    }
    conns.add(conn);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      conns.delete(conn);
      paused.delete(conn);
      data.end();
      error.end();
    };
    data.onData((chunk) => {
      conn.write(chunk);
    });
    data.onEnd(() => conn.end());
    data.onReset(() => conn.destroy());
    conn.on('data', (chunk: Buffer) => {
      if (!data.write(chunk)) {
        conn.pause();
        paused.add(conn);
      }
    });
    conn.on('end', finish);
    conn.on('close', finish);
    conn.on('error', finish);
  }
}

function requestId(stream: SpdyStream): string {
  const id = stream.headers.get('requestid');
  if (id) return id;
  // Clients before request ids: the error stream's id, and the data stream's minus two.
  return String(stream.headers.get('streamtype') === 'data' ? stream.id - 2 : stream.id);
}

/** The kubelet's checks of a new stream: a port from 1 to 65535 and a known stream type. */
function validStream(stream: SpdyStream): boolean {
  const port = stream.headers.get('port') ?? '';
  const type = stream.headers.get('streamtype');
  return (
    /^\d{1,5}$/.test(port) &&
    Number(port) >= 1 &&
    Number(port) <= 65535 &&
    (type === 'error' || type === 'data')
  );
}

/** The `Upgrade` token of netkube's own port-forward (one raw TCP stream per request). */
export const NETKUBE_TCP_UPGRADE = 'netkube-tcp';

/**
 * `netkube port-forward`'s request: one upgraded HTTP connection per local
 * connection, carrying its bytes as they are to `port` inside the pod (the same
 * connection the kubelet would make). Answers with a Status when the pod is
 * unknown (404), the port is not a number (400) or nothing listens there (503,
 * with the kubelet's words).
 */
export function serveRawPortForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: PortForwardTarget,
  portText: string | null,
  pods: PodPortForward,
  refuse: (err: StatusError) => void,
): void {
  if (!reachable(pods, target, refuse)) return;
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText ?? '') || port < 1 || port > 65535) {
    refuse(badRequest(`invalid port ${JSON.stringify(portText ?? '')}: must be a number from 1 to 65535`));
    return;
  }
  if (String(req.headers.upgrade ?? '').toLowerCase() !== NETKUBE_TCP_UPGRADE) {
    refuse(badRequest(`port-forward needs Upgrade: ${NETKUBE_TCP_UPGRADE}`));
    return;
  }
  const conn = pods.connect(target, port);
  if (typeof conn === 'string') {
    refuse(new StatusError('ServiceUnavailable', 503, conn));
    return;
  }
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${NETKUBE_TCP_UPGRADE}\r\n\r\n`,
  );
  if (head.length) conn.write(head);
  joinStreams(socket, conn);
}
