/**
 * The seam between the dataplane and simulated containers. A simulated app
 * owns no socket: the dataplane hands it connections (a real accepted
 * `net.Socket` on the fast path, an in-memory duplex for pod-to-pod traffic)
 * together with the virtual 5-tuple the cluster would show. Apps reach the
 * network only through the `PodNetwork` they are given, so every packet they
 * send goes through the same rules, routes and traces as any other.
 *
 * The dataplane imports these types; workloads never import the dataplane.
 */
import type { Duplex } from 'node:stream';
import type { ContainerPort } from '../api/types.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';

export type L4Protocol = 'TCP' | 'UDP' | 'SCTP';

/** Source and destination as the cluster sees them (after any NAT so far). */
export interface VirtualTuple {
  readonly protocol: L4Protocol;
  readonly srcIP: string;
  readonly srcPort: number;
  readonly dstIP: string;
  readonly dstPort: number;
}

/**
 * A stream connection delivered to an app. `socket` behaves like a connected
 * `net.Socket` (a real one, or an in-memory duplex with `remoteAddress`,
 * `setTimeout`, `setNoDelay`, `setKeepAlive`, `destroySoon` stubs); the app must
 * use `tuple` for addresses, never the socket's own.
 */
export interface PodConnection {
  readonly socket: Duplex;
  readonly tuple: VirtualTuple;
}

/** Outbound networking of one pod: everything goes through the emulated dataplane. */
export interface PodNetwork {
  /**
   * Opens a TCP connection from this pod to `host:port`. `host` may be an IP
   * (pod, ClusterIP, node, external) or a DNS name resolved with the pod's
   * resolv.conf (search path, ndots:5). Rejects with an error whose `code` is
   * `ECONNREFUSED`, `ETIMEDOUT`, `EHOSTUNREACH` or `ENOTFOUND`, as a real socket would.
   */
  connect(host: string, port: number, options?: { readonly timeoutMs?: number }): Promise<Duplex>;
  /** Sends one UDP datagram and waits for the first reply (undefined on timeout). */
  udpRequest(host: string, port: number, payload: Buffer, timeoutMs: number): Promise<Buffer | undefined>;
  /** Resolves a name as the pod's resolver would (cluster DNS first). */
  resolve(name: string): Promise<string[]>;
}

/** What an app is told about its pod and container. */
export interface AppContext {
  readonly pod: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly ip: string;
    readonly nodeName: string;
    /** `spec.hostname` or the pod name. */
    readonly hostname: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly container: {
    readonly name: string;
    readonly image: string;
    readonly command: readonly string[];
    readonly args: readonly string[];
    /** Resolved environment (value, valueFrom of fieldRef/configMap/secret), plus service env vars. */
    readonly env: Readonly<Record<string, string>>;
    readonly ports: readonly ContainerPort[];
  };
  readonly clock: Clock;
  readonly random: Random;
  readonly network: PodNetwork;
  /** Appends a line (no trailing newline) to the container's log, as stdout would. */
  log(line: string): void;
  /** The process exits with this code (the kubelet applies restartPolicy). */
  exit(code: number): void;
}

export interface ListenSpec {
  readonly port: number;
  readonly protocol: L4Protocol;
}

/** A running simulated container. */
export interface App {
  /** Ports the app has bound inside the pod's network namespace. */
  readonly listens: readonly ListenSpec[];
  /** Takes ownership of an accepted stream connection to one of `listens`. */
  handleConnection(conn: PodConnection): void;
  /** Handles one datagram to a UDP port of `listens`; `reply` sends back to the source. */
  handleDatagram?(message: Buffer, tuple: VirtualTuple, reply: (data: Buffer) => void): void;
  /** SIGTERM: start graceful shutdown; the app calls `ctx.exit` when done. */
  terminate(): void;
  /** SIGKILL: stop at once, destroying open connections. */
  kill(): void;
}

/**
 * Starts an app for a container. Returns the app, or a start failure: the
 * process printed `message` and exited with `exitCode` (bad flags, missing
 * text) — the kubelet then shows the container as Error/CrashLoopBackOff.
 */
export type AppFactory = (ctx: AppContext) => App | AppStartFailure;

export interface AppStartFailure {
  readonly kind: 'start-failure';
  readonly exitCode: number;
  /** What the binary wrote to stderr/stdout before exiting. */
  readonly message: string;
}
