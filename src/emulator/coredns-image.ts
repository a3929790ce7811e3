/**
 * The CoreDNS image behind `kube-system/kube-dns`: the pods of the `coredns`
 * Deployment answer DNS on 53/UDP and 53/TCP in the virtual network with the
 * same zone as the host-facing server (so a pod's query travels pod → kube-dns
 * ClusterIP → kube-proxy → a coredns pod, as on a real cluster), `/health` on
 * 8080, `/ready` on 8181 and a small Prometheus `/metrics` on 9153.
 *
 * It lives in the composition root because it reads the cluster (through a
 * `ClusterDnsView`), which images in workloads/ never do.
 */
import { createServer, type Server } from 'node:http';
import { handleQuery, serveDnsStream } from '../dns/server.js';
import type { ClusterDnsView } from '../dns/zone.js';
import type { ImageProfile } from '../workloads/catalogue.js';
import { NO_TOOLS } from '../workloads/exec/toolset.js';
import { SimulatedApp } from '../workloads/images/base.js';
import type { AppContext, PodConnection, VirtualTuple } from '../workloads/types.js';

export interface CorednsDeps {
  readonly view: ClusterDnsView;
  readonly upstream: readonly string[];
  readonly lookupExternal: (name: string) => Promise<string[]>;
}

class CorednsApp extends SimulatedApp {
  readonly #deps: CorednsDeps;
  #http: Server | undefined;
  #requests = 0;

  constructor(ctx: AppContext, deps: CorednsDeps, version: string) {
    super(ctx, [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
      { port: 8080, protocol: 'TCP' },
      { port: 8181, protocol: 'TCP' },
      { port: 9153, protocol: 'TCP' },
    ]);
    this.#deps = deps;
    ctx.log('.:53');
    ctx.log(
      '[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b',
    );
    ctx.log(`CoreDNS-${version}`);
    ctx.log('linux/amd64, go1.21.11, a6338e9');
  }

  handleDatagram(message: Buffer, _tuple: VirtualTuple, reply: (data: Buffer) => void): void {
    this.#requests++;
    void handleQuery(message, this.#deps).then((r) => {
      try {
        if (r) reply(r);
      } catch {
        // The client's socket is gone.
      }
    });
  }

  protected serve(conn: PodConnection): void {
    if (conn.tuple.dstPort === 53) {
      this.#serveTcpDns(conn);
      return;
    }
    this.#http ??= createServer((req, res) => {
      const port = (req.socket as { localPort?: number }).localPort;
      const path = (req.url ?? '/').split('?')[0];
      if ((port === 8080 && path === '/health') || (port === 8181 && path === '/ready')) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('OK');
      } else if (port === 9153 && path === '/metrics') {
        res
          .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' })
          .end(
            `# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.\n# TYPE coredns_dns_requests_total counter\ncoredns_dns_requests_total{family="1",proto="udp",server="dns://:53",type="other",view="",zone="."} ${this.#requests}\n`,
          );
      } else {
        res
          .writeHead(404, {
            'Content-Type': 'text/plain; charset=utf-8',
            'X-Content-Type-Options': 'nosniff',
          })
          .end('404 page not found\n');
      }
    });
    this.#http.emit('connection', conn.socket);
  }

  /** DNS over TCP: 2-byte length-prefixed messages, replies of up to 65535 bytes. */
  #serveTcpDns(conn: PodConnection): void {
    serveDnsStream(conn.socket, (query) => {
      this.#requests++;
      return handleQuery(query, this.#deps, { transport: 'tcp' });
    });
  }

  /** CoreDNS's `health { lameduck 5s }`: keeps answering for five seconds, then exits 0. */
  protected override onTerminate(): void {
    this.ctx.log('[INFO] SIGTERM: Shutting down servers then terminating');
    this.ctx.log('[INFO] plugin/health: Going into lameduck mode for 5s');
    const t = this.ctx.clock.setTimeout(() => this.exit(0), 5000);
    t.unref();
  }

  protected override onStop(): void {
    this.#http?.close();
  }
}

/** The image profile for `registry.k8s.io/coredns/coredns` (and `coredns/coredns`). */
export function corednsProfile(deps: CorednsDeps): ImageProfile {
  return {
    family: 'coredns',
    matches: (ref) => ref.repository === 'coredns/coredns' || ref.repository.endsWith('/coredns/coredns'),
    entrypoint: ['/coredns'],
    cmd: [],
    env: () => ({}),
    // The coredns image is distroless: no shell, no tools (`kubectl exec` finds nothing to run).
    tools: NO_TOOLS,
    programs: ['/coredns', 'coredns'],
    start: (ctx, _argv, ref) => new CorednsApp(ctx, deps, (ref.tag ?? 'v1.11.3').replace(/^v/, '')),
  };
}
