/**
 * The Kubernetes-shaped REST API of the emulator, on loopback HTTP/1.1, JSON
 * only: what `kubectl` v1.32 and every `netkube` client command talk to. All
 * writes go through the Registry; reads and watches come from the ObjectStore.
 * See `../../../shared/reference/kubectl-api.md` for what kubectl needs, and
 * `README.md` here for what netkube does differently.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { internalError, StatusError } from '../api/index.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Registry } from '../store/registry.js';
import type { Clock } from '../util/index.js';
import { UserError } from '../util/index.js';
import { type ApplyResult, applyAll, applyRoute, type Source } from './apply/atomic-apply.js';
import { ApplyIntents } from './apply/intents.js';
import type { ExtensionRoute } from './extensions.js';
import type { HandlerDeps } from './handlers/deps.js';
import { type PodExec, refuseSpdyExec, serveExec } from './handlers/exec-stream.js';
import { streamLocation } from './handlers/pod-location.js';
import { type PodPortForward, servePortForward, serveRawPortForward } from './handlers/portforward.js';
import { streamingNotSupported } from './handlers/subresources.js';
import { type RequestContext, sendError } from './http/respond.js';
import { isWebSocketUpgrade } from './http/websocket.js';
import type { PodLogs } from './pod-logs.js';
import { ExtensionRouter } from './routing/extensions.js';
import { pathSegments, resolveResourcePath } from './routing/paths.js';
import { routeRequest } from './routing/router.js';
import { type VersionInfo, versionInfo } from './version.js';

/** What `new ApiServer(config)` needs; validated in the constructor. */
export interface ApiServerConfig {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Loopback address to bind (`127.0.0.1`, any `127.x.y.z`, `::1` or `localhost`). */
  readonly host: string;
  /** Port to bind; 0 picks a free one (see `start()`'s URL). */
  readonly port: number;
  /** netkube's own routes, served under `/apis/netkube.dev/v1alpha1`. */
  readonly extensions: readonly ExtensionRoute[];
  /** Source of `pods/<name>/log`. */
  readonly podLogs: PodLogs;
  /** Runs `pods/<name>/exec` (kubectl exec over WebSocket); without it exec is answered 400. */
  readonly podExec?: PodExec;
  /** Serves `pods/<name>/portforward` (kubectl port-forward over SPDY); without it port-forward is answered 400. */
  readonly podPortForward?: PodPortForward;
  /** Overrides of `/version` (minor must stay "32" for kubectl 1.32). */
  readonly version?: Partial<VersionInfo>;
  /** Interval of watch BOOKMARK events for clients that allow them. @default 60_000 */
  readonly bookmarkIntervalMs?: number;
}

/** Subresources clients reach with an HTTP upgrade (SPDY or WebSocket). */
const UPGRADE_SUBRESOURCES = new Set(['portforward', 'exec', 'attach', 'proxy']);

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The API server. `start()` listens and resolves with the URL; `stop()` closes
 * every connection, watches included, and resolves when the port is free.
 */
export class ApiServer {
  readonly #config: ApiServerConfig;
  readonly #deps: HandlerDeps;
  readonly #extensions: ExtensionRouter;
  readonly #version: VersionInfo;
  #server: Server | undefined;
  #url: string | undefined;
  /** Upgraded sockets (exec), which closing the HTTP server does not end. */
  readonly #upgraded = new Set<Socket>();

  constructor(config: ApiServerConfig) {
    if (!isLoopback(config.host)) {
      throw new UserError(`The API server binds to loopback only; got host ${JSON.stringify(config.host)}`);
    }
    if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
      throw new UserError(`Invalid API server port ${config.port}`);
    }
    this.#config = config;
    this.#deps = {
      registry: config.registry,
      store: config.store,
      clock: config.clock,
      logger: config.logger,
      podLogs: config.podLogs,
      intents: new ApplyIntents(),
      bookmarkIntervalMs: config.bookmarkIntervalMs ?? 60_000,
    };
    this.#extensions = new ExtensionRouter([applyRoute(this.#deps), ...config.extensions]);
    this.#version = versionInfo(config.version);
  }

  /**
   * Applies objects atomically in-process, exactly as `POST …/apply` does (the
   * emulator applies `netkube up`'s manifests this way). Throws the same Status
   * error as the route when any object is rejected; nothing is applied then.
   */
  apply(request: {
    objects: readonly unknown[];
    sources?: readonly Source[];
    defaultNamespace?: string;
    dryRun?: boolean;
  }): {
    results: ApplyResult[];
    warnings: string[];
  } {
    return applyAll(this.#deps, {
      objects: request.objects,
      sources: request.sources ?? [],
      dryRun: request.dryRun ?? false,
      defaultNamespace: request.defaultNamespace ?? 'default',
    });
  }

  /** The base URL once started (`http://127.0.0.1:<port>`). */
  get url(): string | undefined {
    return this.#url;
  }

  /** Listens on the configured address. Rejects when the address is taken. */
  async start(): Promise<{ url: string }> {
    if (this.#server) throw new Error('ApiServer already started');
    // Long keep-alive (kubectl reuses connections; Go's idle timeout is 90s),
    // with the headers timeout above it as Node requires.
    const server = createServer({ keepAliveTimeout: 30_000, headersTimeout: 65_000 }, (req, res) => {
      void this.#handle(req, res);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.#upgrade(req, socket, head),
    );
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#config.port, this.#config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#deps.intents.attach(this.#config.store);
    const { port } = server.address() as AddressInfo;
    const host = this.#config.host.includes(':') ? `[${this.#config.host}]` : this.#config.host;
    this.#url = `http://${host}:${port}`;
    this.#config.logger.info({ url: this.#url }, 'API server listening');
    return { url: this.#url };
  }

  /** Stops listening and closes open connections (watches and log streams end). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#deps.intents.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.#upgraded) socket.destroy();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const url = new URL(req.url ?? '/', 'http://netkube.invalid');
    const started = this.#config.clock.now();
    res.on('finish', () => {
      const ms = this.#config.clock.now() - started;
      this.#config.logger.debug(
        { method: req.method, path: url.pathname, code: res.statusCode, ms },
        'API request',
      );
    });
    const ctx: RequestContext = {
      req,
      res,
      url,
      query: url.searchParams,
      warnings: [],
      signal: abort.signal,
    };
    try {
      await routeRequest(ctx, {
        deps: this.#deps,
        extensions: this.#extensions,
        version: this.#version,
        serverAddress: () => (this.#url ?? '').replace(/^http:\/\//, ''),
      });
    } catch (err) {
      const status = sendError(ctx, err);
      const log = { method: req.method, path: url.pathname, code: status.httpCode, err };
      if (status.httpCode >= 500) this.#config.logger.error(log, 'API request failed');
      else this.#config.logger.debug(log, status.message);
    }
  }

  /**
   * Upgrade requests: `pods/<name>/exec` over WebSocket runs the command in the
   * simulated pod (when the emulator gives `podExec`); `pods/<name>/portforward`
   * over SPDY forwards to a port inside it (`podPortForward`); everything else
   * (exec over SPDY, attach, proxy) is answered with a 400 Status naming the
   * netkube command to use, which kubectl prints.
   */
  #upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://netkube.invalid');
    const segments = pathSegments(url.pathname);
    // A client that resets the connection must not take the server down.
    socket.on('error', () => socket.destroy());
    const forwarding = this.#config.podPortForward;
    const rawTarget = forwarding ? netkubePortForwardTarget(segments) : undefined;
    if (forwarding && rawTarget) {
      this.#upgraded.add(socket);
      socket.on('close', () => this.#upgraded.delete(socket));
      const port = url.searchParams.get('port');
      serveRawPortForward(req, socket, head, rawTarget, port, forwarding, (err) => writeStatus(socket, err));
      return;
    }
    const forwardTarget = forwarding ? podSubresourceTarget(segments, 'portforward') : undefined;
    if (forwarding && forwardTarget) {
      this.#upgraded.add(socket);
      socket.on('close', () => this.#upgraded.delete(socket));
      servePortForward(req, socket, head, forwardTarget, forwarding, (err) => writeStatus(socket, err));
      return;
    }
    const exec = this.#config.podExec;
    const target = exec ? podSubresourceTarget(segments, 'exec') : undefined;
    if (exec && target) {
      // The API server's own checks (unknown pod, bad container, no node) come first.
      const refused = this.#streamLocationError(target, url.searchParams.get('container'));
      if (refused) {
        writeStatus(socket, refused);
        return;
      }
      if (req.method !== 'GET' || !isWebSocketUpgrade(req)) {
        writeStatus(socket, refuseSpdyExec(url.searchParams, target, exec));
        return;
      }
      this.#upgraded.add(socket);
      socket.on('close', () => this.#upgraded.delete(socket));
      serveExec(req, socket, head, target, exec, (err) => writeStatus(socket, err)).catch((err: unknown) => {
        this.#config.logger.error({ err, path: url.pathname }, 'exec failed');
        writeStatus(socket, internalError('exec failed', err));
      });
      return;
    }
    const subresource = segments.findLast((s) => UPGRADE_SUBRESOURCES.has(s)) ?? 'portforward';
    const kind = segments.includes('services') ? 'Service' : 'Pod';
    const attached = subresource === 'attach' ? podAttachTarget(segments) : undefined;
    const refused = attached && this.#streamLocationError(attached, url.searchParams.get('container'));
    writeStatus(socket, refused || streamingNotSupported(subresource, kind));
  }

  /** `streamLocation`'s answer for exec and attach (404, or 400 for a bad container or a pod with no node). */
  #streamLocationError(
    target: { readonly namespace: string; readonly pod: string },
    container: string | null,
  ): StatusError | undefined {
    try {
      streamLocation(this.#config.store, target, container ?? undefined);
      return undefined;
    } catch (err) {
      if (err instanceof StatusError) return err;
      throw err;
    }
  }
}

/** `namespace/pod` of `/api/v1/namespaces/<ns>/pods/<name>/attach` (not a served subresource). */
function podAttachTarget(segments: readonly string[]): { namespace: string; pod: string } | undefined {
  const [api, v1, namespaces, namespace, pods, pod, sub, ...rest] = segments;
  if (api !== 'api' || v1 !== 'v1' || namespaces !== 'namespaces' || pods !== 'pods') return undefined;
  if (sub !== 'attach' || rest.length > 0 || !namespace || !pod) return undefined;
  return { namespace, pod };
}

/** `namespace/pod` of netkube's `/apis/netkube.dev/v1alpha1/namespaces/<ns>/pods/<name>/portforward`. */
function netkubePortForwardTarget(
  segments: readonly string[],
): { namespace: string; pod: string } | undefined {
  const [apis, group, version, namespaces, namespace, pods, pod, sub, ...rest] = segments;
  if (apis !== 'apis' || group !== 'netkube.dev' || version !== 'v1alpha1' || rest.length) return undefined;
  if (namespaces !== 'namespaces' || pods !== 'pods' || sub !== 'portforward' || !namespace || !pod)
    return undefined;
  return { namespace, pod };
}

/** `namespace/pod` of `/api/v1/namespaces/<ns>/pods/<name>/<subresource>`; undefined for any other path. */
function podSubresourceTarget(
  segments: readonly string[],
  subresource: 'exec' | 'portforward',
): { namespace: string; pod: string } | undefined {
  if (segments[0] !== 'api' || segments[1] !== 'v1') return undefined;
  const target = resolveResourcePath('', 'v1', segments.slice(2));
  if (target?.info.resource !== 'pods' || target.subresource !== subresource) return undefined;
  if (target.namespace === undefined || target.name === undefined) return undefined;
  return { namespace: target.namespace, pod: target.name };
}

/** An HTTP error response with a Status body on a socket that was not upgraded; then the socket ends. */
function writeStatus(socket: Socket, err: StatusError): void {
  if (!socket.writable) return;
  const body = JSON.stringify(err.toStatus());
  const reason = STATUS_CODES[err.httpCode] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${err.httpCode} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
