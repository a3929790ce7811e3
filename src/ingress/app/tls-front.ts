/**
 * TLS termination on the controller's HTTPS port (reference §4): the handed-in
 * socket is wrapped in a server `TLSSocket` whose `SNICallback` picks the
 * certificate as ingress-nginx's `certificate.lua` does (exact name, then the
 * first label as `*`, then the default "Kubernetes Ingress Controller Fake
 * Certificate"); no SNI gets the default. Decrypted connections go to the HTTP
 * front as `https`. A plain HTTP request on the HTTPS port is answered as nginx
 * does: 400 "The plain HTTP request was sent to HTTPS port".
 *
 * Secure contexts are cached per Secret `resourceVersion`. No ALPN is offered,
 * so clients speak HTTP/1.1 (ingress-nginx would offer h2).
 */
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import type { VirtualTuple } from '../../workloads/types.js';
import type { PemPair } from '../certs.js';
import { certificateServer } from '../hosts.js';
import type { IngressClusterView } from './cluster-view.js';
import type { HttpFront } from './http-front.js';
import type { RouteState } from './route-state.js';

export interface TlsFrontConfig {
  readonly front: HttpFront;
  readonly routes: RouteState;
  readonly view: IngressClusterView;
  /** The default certificate; connections wait for it while it is generated. */
  readonly defaultCertificate: Promise<PemPair>;
}

const TLS_HANDSHAKE = 0x16;

export class TlsFront {
  readonly #config: TlsFrontConfig;
  readonly #contexts = new Map<
    string,
    { readonly version: string; readonly context: SecureContext | undefined }
  >();
  #defaultContext: SecureContext | undefined;

  constructor(config: TlsFrontConfig) {
    this.#config = config;
    // A certificate OpenSSL refuses leaves the context unset: #wrap then
    // tries again and closes that one connection instead of the process
    // seeing an unhandled rejection.
    config.defaultCertificate.then(
      (pair) => {
        try {
          this.#defaultContext = createSecureContext({ cert: pair.cert, key: pair.key });
        } catch {
          this.#defaultContext = undefined;
        }
      },
      () => {},
    );
  }

  /** Takes a raw connection to the HTTPS port. */
  accept(socket: Duplex, tuple: VirtualTuple, port: number): void {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] !== TLS_HANDSHAKE) {
        this.#config.front.accept(socket, tuple, 'plain-on-https', port);
        socket.resume();
        return;
      }
      void this.#wrap(socket, tuple, port);
    });
    socket.on('error', () => socket.destroy());
  }

  /** The context SNI `name` gets, or undefined for the default. */
  contextFor(name: string): SecureContext | undefined {
    const server = certificateServer(this.#config.routes.table, name);
    const cert = server?.certificate;
    if (cert?.kind !== 'secret') return undefined;
    const key = `${cert.namespace}/${cert.name}`;
    const secret = this.#config.view.secret(cert.namespace, cert.name);
    const version = secret?.metadata.resourceVersion ?? secret?.metadata.uid ?? '';
    const cached = this.#contexts.get(key);
    if (cached && cached.version === version) return cached.context;
    const crt = secret?.data?.['tls.crt'];
    const pem = secret?.data?.['tls.key'];
    let context: SecureContext | undefined;
    try {
      if (crt && pem) {
        context = createSecureContext({ cert: Buffer.from(crt, 'base64'), key: Buffer.from(pem, 'base64') });
      }
    } catch {
      context = undefined;
    }
    this.#contexts.set(key, { version, context });
    return context;
  }

  async #wrap(socket: Duplex, tuple: VirtualTuple, port: number): Promise<void> {
    if (!this.#defaultContext) {
      try {
        const pair = await this.#config.defaultCertificate;
        this.#defaultContext ??= createSecureContext({ cert: pair.cert, key: pair.key });
      } catch {
        socket.destroy();
        return;
      }
    }
    const tls = new TLSSocket(socket, {
      isServer: true,
      secureContext: this.#defaultContext,
      SNICallback: (name, cb) => cb(null, this.contextFor(name) ?? this.#defaultContext),
    });
    tls.on('error', () => tls.destroy());
    tls.once('secure', () => this.#config.front.accept(tls, tuple, 'https', port));
    // No socket.resume(): the TLSSocket reads the unshifted ClientHello from
    // the socket's buffer itself (a resumed stream with no listener would drop it).
  }
}
