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
import type { DnsRecord, Rcode } from '../dns/zone.js';
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
  /**
   * Asks cluster DNS one typed question (`A`, `AAAA`, `SRV`, `PTR`, `CNAME`…)
   * for the absolute `name`, without search path or /etc/hosts, as `dig` and
   * `nslookup` do. Optional: tools fall back to `resolve` without it.
   */
  query?(name: string, type: string): Promise<PodDnsReply>;
}

/** Cluster DNS's reply to one question: rcode, answer records, and the SOA of a negative answer. */
export interface PodDnsReply {
  readonly rcode: Rcode;
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
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
  /**
   * Where the app reports each HTTP exchange it answers (one L7 flow record
   * each). Absent, or `enabled` false, when nobody records flows: the app then
   * captures nothing.
   */
  readonly httpFlows?: HttpFlowObserver | undefined;
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

/**
 * One HTTP request a simulated server answered, as its app saw it: the facts
 * an L7 flow record is built from, later and only if someone reads it. Apps
 * build one (a flat object of references and numbers, nothing formatted) per
 * answered request, and only while `HttpFlowObserver.enabled` is true.
 */
export interface HttpExchange {
  /** The pod that answered (its `AppContext.pod`). */
  readonly pod: AppContext['pod'];
  /** The connection as the pod saw it: client -> pod. */
  readonly tuple: VirtualTuple;
  readonly method: string;
  /** The request-target as received (`/path?query`). */
  readonly target: string;
  /** The Host header, if any. */
  readonly host: string | undefined;
  /** `1.1`, `1.0`. */
  readonly httpVersion: string;
  readonly scheme: 'http' | 'https';
  /** The status the client got (nginx's 499 when the client went away first). */
  readonly status: number;
  /** When the request head had arrived, and when the response was complete (ms, the app's clock). */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Body bytes of the request and of the response, where the app counts them (-1: not counted). */
  readonly requestBytes: number;
  readonly responseBytes: number;
  /**
   * Set by a proxying app (the ingress controller), in the same object: who
   * wrote the response, the Ingress whose rule matched, its backend Service
   * and the last endpoint tried. Absent on an app's own answers.
   */
  readonly answer?: HttpProxyAnswer;
  readonly ingress?: { readonly namespace: string; readonly name: string } | undefined;
  readonly service?:
    | { readonly namespace: string; readonly name: string; readonly port: number | string }
    | undefined;
  readonly endpoint?:
    | {
        readonly address: string;
        readonly port: number;
        readonly pod?: { readonly namespace: string; readonly name: string };
        readonly nodeName?: string;
      }
    | undefined;
}

/**
 * Who wrote a proxied request's response: the endpoint (`upstream`), or the
 * proxy itself — `default-backend` (404, no rule matched), `no-endpoints`
 * (503), `upstream-failed` (502/504 after trying), `redirect`, `rejected`
 * (its other own answers: 400, 403, 413…), `client-closed` (499, nothing sent).
 */
export type HttpProxyAnswer =
  | 'upstream'
  | 'default-backend'
  | 'no-endpoints'
  | 'upstream-failed'
  | 'redirect'
  | 'rejected'
  | 'client-closed';

/**
 * Receives the HTTP exchanges apps answer (the emulator wires it to the flow
 * log). `enabled` is read on every request and must be a plain field or a
 * cheap getter; `exchange` must be cheap and never throw.
 */
export interface HttpFlowObserver {
  readonly enabled: boolean;
  exchange(e: HttpExchange): void;
  /**
   * Optional: an observer for the requests of one connection (`tuple` as the
   * pod sees it), which names the client once for all of them, and again only
   * when the cluster's network has changed since, instead of once per request.
   */
  connection?(tuple: VirtualTuple): HttpConnectionObserver;
}

/** `HttpFlowObserver.exchange` for the requests of one connection (see `HttpFlowObserver.connection`). */
export interface HttpConnectionObserver {
  exchange(e: HttpExchange): void;
}
