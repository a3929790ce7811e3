/**
 * The HTTP side of kube-proxy on every emulated node: the healthCheckNodePort
 * answers and kube-proxy's own health server (`/healthz`, `/livez` on 10256).
 * One never-listening `http.Server` parses every such connection; the
 * dataplane's listener set binds the ports (`planListeners`) and hands the
 * accepted sockets over. What each answer says is decided in `health-check.ts`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { KubeObject, Node } from '../api/types.js';
import type { Logger } from '../log/index.js';
import type { ProxyState } from '../proxy/model.js';
import type { Clock } from '../util/clock.js';
import {
  KUBE_PROXY_HEALTHZ_PORT,
  localReadyEndpoints,
  nodeEligible,
  serveHealthCheck,
  serveProxyHealth,
} from './health-check.js';
import type { HealthCheckTarget } from './listener-plan.js';
import type { ListenFailure, ListenKey } from './listeners.js';

export interface NodeHealthServerConfig {
  /** Node name by node address. */
  readonly nodesByAddress: ReadonlyMap<string, string>;
  readonly proxyState: () => ProxyState;
  /** The Node object, when the store is known (for `nodeEligible`). */
  readonly node: (name: string) => (Node & KubeObject) | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `--healthz-bind-address`'s port; 0 turns kube-proxy's health server off. @default 10256 */
  readonly healthzPort?: number;
}

export class NodeHealthServer {
  /** kube-proxy's health server port (0: off). */
  readonly healthzPort: number;
  readonly #config: NodeHealthServerConfig;
  readonly #http: Server;
  #healthChecks: ReadonlyMap<number, HealthCheckTarget> = new Map();
  /** When kube-proxy started, and when its rules were last synced (`/healthz` reports both). */
  readonly #startedAt: number;
  #lastSynced: number;
  /** Node addresses whose health server port could not be bound, warned about once. */
  readonly #unbound = new Set<string>();
  /** Open connections (a never-listening http.Server does not track them for `closeAllConnections`). */
  readonly #sockets = new Set<Socket>();

  constructor(config: NodeHealthServerConfig) {
    this.#config = config;
    this.healthzPort = config.healthzPort ?? KUBE_PROXY_HEALTHZ_PORT;
    this.#startedAt = config.clock.now();
    this.#lastSynced = this.#startedAt;
    this.#http = createServer((req, res) => this.#serve(req, res));
  }

  /** Called after every proxy sync with the healthCheckNodePorts it planned. */
  synced(healthChecks: ReadonlyMap<number, HealthCheckTarget>): void {
    this.#healthChecks = healthChecks;
    this.#lastSynced = this.#config.clock.now();
  }

  /** Whether a connection accepted on `key` is for this server (a health port on a node address). */
  owns(key: ListenKey): boolean {
    return (
      key.protocol === 'TCP' &&
      this.#config.nodesByAddress.has(key.address) &&
      (this.#healthChecks.has(key.port) || (this.healthzPort !== 0 && key.port === this.healthzPort))
    );
  }

  /** Serves an accepted socket that `owns` its key. */
  accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    this.#http.emit('connection', socket);
  }

  /**
   * Drops the health server's own bind failures from `failures`, warning once
   * per node address (binds are retried on every sync): the emulator goes on,
   * and only load balancers probing the node would notice.
   */
  withoutHealthzFailures(failures: readonly ListenFailure[]): ListenFailure[] {
    return failures.filter((f) => {
      const { address, port } = f.key;
      if (port !== this.healthzPort || !this.#config.nodesByAddress.has(address)) return true;
      if (!this.#unbound.has(address)) {
        this.#unbound.add(address);
        this.#config.logger.warn(
          { listener: `${address}:${port}`, code: f.code },
          `Cannot serve kube-proxy's health check (/healthz, /livez) on ${address}:${port}: ${f.message}`,
        );
      }
      return false;
    });
  }

  /** Closes every connection it serves (keep-alive ones included). */
  close(): void {
    this.#http.close();
    for (const socket of this.#sockets) socket.destroy();
  }

  #serve(req: IncomingMessage, res: ServerResponse): void {
    const port = req.socket.localPort ?? 0;
    const node = this.#config.nodesByAddress.get(req.socket.localAddress ?? '') ?? '';
    const now = this.#config.clock.now();
    const target = this.#healthChecks.get(port);
    if (target) {
      serveHealthCheck(req, res, target, localReadyEndpoints(this.#config.proxyState(), target, node), now);
      return;
    }
    const health = {
      now,
      startedAt: this.#startedAt,
      lastUpdated: this.#lastSynced,
      // netkube's proxy applies every change in one sync of its own: never healthTimeout (2 × syncPeriod) late.
      healthy: true,
      nodeEligible: nodeEligible(this.#config.node(node)),
    };
    const client = {
      protocol: 'TCP' as const,
      srcIP: req.socket.remoteAddress ?? '',
      srcPort: req.socket.remotePort ?? 0,
      dstIP: req.socket.localAddress ?? '',
      dstPort: port,
    };
    serveProxyHealth(req, res, health, client);
  }
}
