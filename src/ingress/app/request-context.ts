/**
 * One client request inside the controller: its `$req_id`, scheme and port,
 * the upstream attempts made for it, the bytes sent back, and the access log
 * line written when it ends. Also writes the responses nginx generates itself
 * (error pages, redirects) with nginx's exact heads.
 */
import type { Random } from '../../util/random.js';
import type {
  AppContext,
  HttpExchange,
  HttpFlowObserver,
  HttpProxyAnswer,
  VirtualTuple,
} from '../../workloads/types.js';
import type { IngressRef, Upstream, UpstreamEndpoint } from '../types.js';
import { type AccessLogEntry, formatAccessLog, type UpstreamAttempt } from './access-log.js';
import type { ClientRequest, ClientResponse } from './client-exchange.js';
import { generatedResponseHead } from './headers.js';
import { errorPage } from './pages.js';

/** What every request needs from the controller. */
export interface RequestEnv {
  readonly now: () => number;
  readonly random: Random;
  readonly log: (line: string) => void;
  /** Where each finished request is reported as an L7 flow (with the controller pod's identity). */
  readonly httpFlows?: { readonly observer: HttpFlowObserver; readonly pod: AppContext['pod'] } | undefined;
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** The digits of the id being made: one flat string from one copy, instead of sixteen pieces joined. */
const idDigits = Buffer.alloc(32);

/** nginx `$request_id`: 16 random bytes as 32 hex digits. */
export function randomRequestId(random: Random): string {
  for (let i = 0; i < 32; i += 8) {
    const x = random.int(0x1_0000_0000);
    for (let j = 0; j < 8; j++) idDigits[i + j] = HEX_DIGITS[(x >>> (28 - 4 * j)) & 15] as number;
  }
  return idDigits.toString('latin1', 0, 32);
}

export class RequestContext {
  readonly req: ClientRequest;
  readonly res: ClientResponse;
  readonly tuple: VirtualTuple;
  readonly scheme: 'http' | 'https';
  readonly startMs: number;
  /** `$req_id`: the client's X-Request-ID, else 32 random hex digits. */
  readonly requestId: string;
  upstreamName = '';
  alternativeName = '';
  readonly attempts: UpstreamAttempt[] = [];
  bodyBytesSent = 0;
  requestBodyBytes = 0;
  /** Whether the access log records this request (off for the catch-all default backend). */
  accessLog = true;
  /** Extra response headers (HSTS, affinity cookie). */
  readonly extraHeaders: [string, string][] = [];
  /**
   * For the L7 flow: who wrote the response (the controller's own answer
   * unless the proxy got an upstream head), the Ingress whose rule matched,
   * its backend Service and the last endpoint tried. Plain references to
   * route-table objects: setting them allocates nothing.
   */
  answer: HttpProxyAnswer = 'rejected';
  ingress: IngressRef | undefined = undefined;
  service: Upstream['service'] | undefined = undefined;
  endpoint: UpstreamEndpoint | undefined = undefined;
  readonly #env: RequestEnv;
  #logged = false;

  constructor(
    req: ClientRequest,
    res: ClientResponse,
    tuple: VirtualTuple,
    scheme: 'http' | 'https',
    env: RequestEnv,
  ) {
    this.req = req;
    this.res = res;
    this.tuple = tuple;
    this.scheme = scheme;
    this.#env = env;
    this.startMs = env.now();
    const given = req.headers['x-request-id'];
    this.requestId = typeof given === 'string' && given !== '' ? given : randomRequestId(env.random);
  }

  get env(): RequestEnv {
    return this.#env;
  }

  /**
   * Answers with nginx's own page for `status` (and `Location` for redirects),
   * then logs. `relativeLocation`: nginx set a relative `Location` (its own
   * trailing-slash redirect), which the header filter makes absolute and writes
   * before `Connection`; a `Location` set absolute (`return`, Lua) follows it.
   */
  respond(status: number, location?: string, forceClose = false, relativeLocation = false): void {
    const res = this.res;
    if (res.headersSent) {
      res.destroy();
      this.finish(status);
      return;
    }
    const page = errorPage(status, this.req.headers['user-agent']) ?? '';
    const close = forceClose || !res.shouldKeepAlive || status === 400 || status === 413 || status === 414;
    const extra: [string, string][] =
      location && !relativeLocation ? [['Location', location], ...this.extraHeaders] : this.extraHeaders;
    const shown = status === 494 || status === 497 ? 400 : status;
    const now = this.#env.now();
    const early = relativeLocation ? location : undefined;
    const head = generatedResponseHead(shown, Buffer.byteLength(page), !close, now, extra, early);
    res.sendHead(shown, head, { contentLength: Buffer.byteLength(page), close });
    const body = this.req.method === 'HEAD' ? '' : page;
    this.bodyBytesSent = Buffer.byteLength(body);
    res.end(body, now);
    this.finish(shown, now);
  }

  /**
   * Writes the access log line once, and reports the request as an L7 flow while
   * flows are recorded. `now`: the caller's clock reading for the request's end.
   */
  finish(status: number, now = this.#env.now()): void {
    if (this.#logged) return;
    this.#logged = true;
    const flows = this.#env.httpFlows;
    if (flows?.observer.enabled) flows.observer.exchange(this.#exchange(flows.pod, status, now));
    if (!this.accessLog) return;
    this.#env.log(formatAccessLog(this.#entry(status, now)));
  }

  /** The one object a request costs when flows are on: references and numbers, nothing formatted. */
  #exchange(pod: AppContext['pod'], status: number, now: number): HttpExchange {
    const req = this.req;
    return {
      pod,
      tuple: this.tuple,
      method: req.method,
      target: req.url,
      host: req.headers.host,
      httpVersion: req.httpVersion,
      scheme: this.scheme,
      status,
      startedAt: this.startMs,
      endedAt: now,
      requestBytes: this.requestBodyBytes,
      responseBytes: this.bodyBytesSent,
      answer: status === 499 ? 'client-closed' : this.answer,
      ingress: this.ingress,
      service: this.service,
      endpoint: this.endpoint,
    };
  }

  #entry(status: number, now: number): AccessLogEntry {
    const req = this.req;
    let requestLength = req.method.length + req.url.length + 14 + this.requestBodyBytes;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2)
      requestLength += (raw[i] as string).length + (raw[i + 1] as string).length + 4;
    return {
      remoteAddr: this.tuple.srcIP,
      timeMs: now,
      method: req.method,
      target: req.url,
      httpVersion: req.httpVersion,
      status,
      bodyBytesSent: this.bodyBytesSent,
      referer: req.headers.referer,
      userAgent: req.headers['user-agent'],
      requestLength,
      requestMs: now - this.startMs,
      upstreamName: this.upstreamName,
      alternativeName: this.alternativeName,
      attempts: this.attempts,
      requestId: this.requestId,
    };
  }
}
