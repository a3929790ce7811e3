/**
 * The ingress-nginx controller as a simulated app: HTTP on its `--http-port`
 * (80), HTTPS on `--https-port` (443), health on `--healthz-port` (10254). The
 * dataplane hands it accepted connections (NodePort → kube-proxy → this pod);
 * it reaches pods only through `ctx.network`. Routes come from the live
 * cluster view, recompiled on every change. Access log lines and klog-style
 * messages go to the container log.
 */
import type { App, AppContext, ListenSpec, PodConnection } from '../../workloads/types.js';
import type { PemPair } from '../certs.js';
import type { Diagnostic } from '../diagnostics.js';
import { reloadSignature } from '../dump.js';
import type { ClassOptions } from '../ingress-class.js';
import type { MatchMode, RouteTable } from '../types.js';
import type { IngressClusterView } from './cluster-view.js';
import { HealthServer } from './health.js';
import { DEFAULT_FRONT_LIMITS, type FrontLimits, HttpFront } from './http-front.js';
import { klog } from './klog.js';
import type { ProxyEnv } from './proxy.js';
import { RouteState } from './route-state.js';
import { TlsFront } from './tls-front.js';
import { UpstreamPool } from './upstream-pool.js';

export interface ControllerOptions {
  readonly view: IngressClusterView;
  /** @default 'ingress-nginx' */
  readonly mode?: MatchMode;
  readonly classes: ClassOptions;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly healthzPort: number;
  readonly defaultCertificate: Promise<PemPair>;
  readonly limits?: Partial<FrontLimits>;
  /** Shown in the start banner. */
  readonly version: string;
  /** Called after every route compile (tests, status). */
  readonly onCompiled?: (table: RouteTable) => void;
}

export class IngressControllerApp implements App {
  readonly listens: readonly ListenSpec[];
  readonly routes: RouteState;
  readonly #ctx: AppContext;
  readonly #options: ControllerOptions;
  readonly #front: HttpFront;
  readonly #tls: TlsFront;
  readonly #health: HealthServer;
  readonly #pool: UpstreamPool;
  #state: 'running' | 'terminating' | 'exited' = 'running';
  /** What the last sync rendered into nginx.conf (`reloadSignature`). */
  #reloadSignature: string | undefined;

  constructor(ctx: AppContext, options: ControllerOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.listens = [options.httpPort, options.httpsPort, options.healthzPort].map((port) => ({
      port,
      protocol: 'TCP',
    }));
    const now = () => ctx.clock.now();
    this.routes = new RouteState({
      view: options.view,
      compile: { mode: options.mode ?? 'ingress-nginx', classes: options.classes },
      random: ctx.random,
      now,
      onCompiled: (t) => this.#compiled(t),
    });
    this.#pool = new UpstreamPool({ network: ctx.network, clock: ctx.clock });
    const env: ProxyEnv = {
      now,
      random: ctx.random,
      log: (line) => ctx.log(line),
      routes: this.routes,
      pool: this.#pool,
      clock: ctx.clock,
      httpFlows: ctx.httpFlows ? { observer: ctx.httpFlows, pod: ctx.pod } : undefined,
    };
    this.#front = new HttpFront(env, ctx.clock, { ...DEFAULT_FRONT_LIMITS, ...options.limits });
    this.#tls = new TlsFront({
      front: this.#front,
      routes: this.routes,
      view: options.view,
      defaultCertificate: options.defaultCertificate,
    });
    this.#health = new HealthServer(now);
    this.#banner();
    this.routes.start();
  }

  handleConnection(conn: PodConnection): void {
    const { socket, tuple } = conn;
    if (this.#state === 'exited') {
      socket.destroy();
      return;
    }
    switch (tuple.dstPort) {
      case this.#options.httpPort:
        this.#front.accept(socket, tuple, 'http', tuple.dstPort);
        return;
      case this.#options.httpsPort:
        this.#tls.accept(socket, tuple, tuple.dstPort);
        return;
      case this.#options.healthzPort:
        this.#health.accept(socket);
        return;
      default:
        socket.destroy();
    }
  }

  /** SIGTERM: fail health, close idle connections, let running requests finish, exit 0. */
  terminate(): void {
    if (this.#state !== 'running') return;
    this.#state = 'terminating';
    this.#ctx.log(klog(this.#ctx.clock.now(), 'I', 'main.go:198', 'Received SIGTERM, shutting down'));
    this.#health.healthy = false;
    this.routes.stop();
    const drain = () => {
      if (this.#state === 'exited') return;
      this.#front.closeIdle();
      if (this.#front.connections > 0) {
        this.#ctx.clock.setTimeout(drain, 100);
        return;
      }
      this.#ctx.log(klog(this.#ctx.clock.now(), 'I', 'main.go:209', '"Exiting" code=0'));
      this.#stop();
      this.#ctx.exit(0);
    };
    drain();
  }

  kill(): void {
    if (this.#state === 'exited') return;
    this.#stop();
  }

  #stop(): void {
    this.#state = 'exited';
    this.routes.stop();
    this.#front.destroyAll();
    this.#health.destroyAll();
    this.#pool.closeAll();
  }

  #compiled(table: RouteTable): void {
    this.#logSync(table);
    this.#options.onCompiled?.(table);
  }

  /**
   * The controller's log of a sync, in ingress-nginx v1.12's words
   * (`internal/ingress/controller/controller.go`): the warnings about
   * backends it cannot serve, then — when servers or locations changed, not
   * just endpoints — the reload. The first sync's reload is the banner's.
   */
  #logSync(table: RouteTable): void {
    const ctx = this.#ctx;
    const now = ctx.clock.now();
    const seen = new Set<string>();
    for (const d of table.diagnostics) {
      const line = syncWarning(d);
      if (line === undefined || seen.has(line)) continue;
      seen.add(line);
      ctx.log(klog(now, 'W', line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)));
    }
    const signature = reloadSignature(table);
    if (this.#reloadSignature !== undefined && signature !== this.#reloadSignature) {
      ctx.log(
        klog(now, 'I', 'controller.go:196', '"Configuration changes detected, backend reload required"'),
      );
      ctx.log(klog(now, 'I', 'controller.go:216', '"Backend successfully reloaded"'));
    }
    this.#reloadSignature = signature;
  }

  #banner(): void {
    const ctx = this.#ctx;
    const line = '-'.repeat(79);
    for (const l of [
      line,
      'NGINX Ingress controller',
      `  Release:       ${this.#options.version}`,
      '  Build:         netkube',
      '  Repository:    https://github.com/kubernetes/ingress-nginx',
      '  nginx version: nginx/1.25.5',
      '',
      line,
      '',
    ]) {
      ctx.log(l);
    }
    const now = ctx.clock.now();
    ctx.log(klog(now, 'I', 'main.go:248', '"Running in Kubernetes cluster" major="1" minor="32"'));
    ctx.log(klog(now, 'I', 'nginx.go:273', '"Starting NGINX Ingress controller"'));
    ctx.log(klog(now, 'I', 'controller.go:213', '"Backend successfully reloaded"'));
  }
}

/** `file:line message` of the warning ingress-nginx logs for `d` on every sync, if any. */
function syncWarning(d: Diagnostic): string | undefined {
  switch (d.kind) {
    case 'no-endpoints':
      return `controller.go:1219 Service "${d.service}" does not have any active Endpoint.`;
    case 'service-missing':
      return `controller.go:1113 Error obtaining Endpoints for Service "${d.service}": no object matching key "${d.service}" in local store`;
    case 'tls':
      return d.problem === 'secret-missing'
        ? `controller.go:1441 Error getting SSL certificate "${d.secret}": local SSL certificate ${d.secret} was not found. Using default certificate`
        : undefined;
    default:
      return undefined;
  }
}
