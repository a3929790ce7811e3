/**
 * `kubectl exec` (and `cp`'s reads) over the Kubernetes API: `GET
 * pods/<name>/exec?command=…&stdout=true&stderr=true` upgraded to a WebSocket
 * with the `v5.channel.k8s.io` or `v4.channel.k8s.io` subprotocol. Every
 * message starts with its channel: 0 stdin, 1 stdout, 2 stderr, 3 the error
 * channel (the command's final Status), 4 resize, 255 close (v5).
 *
 * The command runs in the simulated pod with the safe command set (`PodExec`,
 * the same as `netkube exec`), never on the host. The commands are not
 * interactive: stdin and resize messages are read and ignored; the output
 * goes out once the command has finished, then the Status, then a close frame.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest, StatusError } from '../../api/index.js';
import { chooseSubprotocol, ServerWebSocket } from '../http/websocket.js';

/** What `kubectl exec` asks the simulated pod to run. */
export interface PodExecRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  readonly command: readonly string[];
}

export interface PodExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Commands in the simulated pods, for `pods/<name>/exec`. */
export interface PodExec {
  /**
   * Throws the StatusError the API server answers before anything runs: an
   * unknown pod (404), a container that is unknown or not running (400).
   */
  check(request: Omit<PodExecRequest, 'command'>): void;
  /** Runs the command (after the same checks). */
  run(request: PodExecRequest): Promise<PodExecResult>;
}

/** The channel protocols served, preferred first. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
/** How long output waits after the upgrade for kubectl to create its streams (see `serveExec`). */
const STREAMS_READY_MS = 50;
/** Output goes out in messages of at most this many bytes. */
const CHUNK = 32 * 1024;

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === 'true' || v === '1';
}

/** The exec options of the query, validated as the API server does (`ValidatePodExecOptions`). */
export function execOptions(query: URLSearchParams): {
  command: string[];
  container?: string;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
} {
  const command = query.getAll('command');
  if (command.length === 0) throw badRequest('you must specify at least one command for the container');
  const stdin = flag(query, 'stdin');
  const stdout = flag(query, 'stdout');
  const stderr = flag(query, 'stderr');
  const tty = flag(query, 'tty');
  if (!stdin && !stdout && !stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const container = query.get('container') ?? '';
  return { command, ...(container ? { container } : {}), stdout, stderr, tty };
}

/**
 * The answer to an exec upgrade over SPDY, kubectl's fallback when the
 * WebSocket upgrade failed: the same checks as `serveExec`, so the user sees
 * why (an unknown container), or else that only WebSocket is served.
 */
export function refuseSpdyExec(
  query: URLSearchParams,
  target: { readonly namespace: string; readonly pod: string },
  exec: PodExec,
): StatusError {
  const container = query.get('container') ?? '';
  try {
    exec.check({ namespace: target.namespace, pod: target.pod, ...(container ? { container } : {}) });
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  return badRequest(
    `netkube serves exec over WebSocket (${EXEC_PROTOCOLS.join(', ')}), not SPDY; kubectl v1.30 and later use WebSocket unless KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`,
  );
}

/** The error channel's Status for an exit code (`remotecommand`'s success, or `NonZeroExitCode`). */
export function exitStatus(command: readonly string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function channelMessage(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.of(channel), data]);
}

function sendChannel(ws: ServerWebSocket, channel: number, text: string): void {
  const data = Buffer.from(text, 'utf8');
  for (let at = 0; at < data.length; at += CHUNK)
    ws.send(channelMessage(channel, data.subarray(at, at + CHUNK)));
}

/**
 * Serves one exec upgrade for `namespace/pod`. Errors found before the upgrade
 * (bad options, unknown pod or container) are written as an HTTP Status by
 * `reject`, as the API server answers them; after it, the exit code travels
 * on the error channel.
 */
export async function serveExec(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: { readonly namespace: string; readonly pod: string },
  exec: PodExec,
  reject: (err: StatusError) => void,
): Promise<void> {
  const protocol = chooseSubprotocol(req, EXEC_PROTOCOLS);
  let options: ReturnType<typeof execOptions>;
  let result: PodExecResult;
  try {
    if (!protocol) {
      throw badRequest(
        `netkube serves exec over WebSocket with the ${EXEC_PROTOCOLS.join(' or ')} subprotocol only`,
      );
    }
    options = execOptions(new URL(req.url ?? '/', 'http://netkube.invalid').searchParams);
    result = await exec.run({
      namespace: target.namespace,
      pod: target.pod,
      command: options.command,
      ...(options.container ? { container: options.container } : {}),
    });
  } catch (err) {
    if (err instanceof StatusError) {
      reject(err);
      return;
    }
    throw err;
  }
  if (socket.destroyed) return;
  // kubectl up to v1.33 (client-go before its 2025-07 fix) starts reading the
  // connection while it is still creating its streams, and drops a message
  // for a stream it has not created yet: the output waits a moment after the
  // upgrade, or until the client's first message shows it is ready.
  let ready: () => void = () => {};
  const settled = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const ws = ServerWebSocket.accept(req, socket, head, protocol as string, {
    onMessage: () => ready(),
    onClose: () => ready(),
  });
  const timer = setTimeout(() => ready(), STREAMS_READY_MS);
  await settled;
  clearTimeout(timer);
  if (ws.closed) return;
  // With a TTY the terminal carries both streams; without one each has its channel.
  if (options.tty) {
    if (options.stdout) sendChannel(ws, STDOUT, `${result.stdout}${result.stderr}`.replace(/\r?\n/g, '\r\n'));
  } else {
    if (options.stdout) sendChannel(ws, STDOUT, result.stdout);
    if (options.stderr) sendChannel(ws, STDERR, result.stderr);
  }
  ws.send(channelMessage(ERROR, Buffer.from(JSON.stringify(exitStatus(options.command, result.exitCode)))));
  ws.close();
}
