/**
 * The flow log's storage: one row per finished connection (L3/L4) or
 * answered HTTP request (L7), held in columns (an array of references and
 * one of numbers per kind) sized once for the log's capacity, so recording a
 * flow allocates nothing the log keeps.
 *
 * Keeping the flows' own objects (the `HttpExchange`, the connection's
 * tuples, their strings) was most of what recording flows cost: every one of
 * them outlived several young-generation collections and had to be copied,
 * promoted and later marked (docs/benchmarks.md, "Flows on vs off"). A row
 * holds numbers and references to objects that live anyway: pods and nodes,
 * the ingress route's objects, and strings shared between consecutive rows
 * (the same path, host or address, request after request, is one string). The
 * one exception is a connection's hops, which the row keeps as the plan
 * made them. The exchange or the connection's facts are rebuilt from the
 * row when the record is read.
 */
import type { ConnectionFacts, FlowInput, Owner } from '../dataplane/flow-builder.js';
import { ownerOf } from '../dataplane/flow-builder.js';
import type { Hop, Tuple } from '../dataplane/path.js';
import type { HttpExchange, L4Protocol } from '../workloads/types.js';

/**
 * Rows of `refs` references and `nums` numbers each, allocated once.
 *
 * `shared` keeps one string object per run of equal strings: a row stores the
 * string the previous row of its column stored when the text is the same (the
 * same path, host or client address, request after request), so the flow's
 * own copy dies young. Comparing with one string is cheaper than hashing every
 * new string into a table, which cost as much as the garbage it saved.
 */
class Columns {
  protected readonly refs: unknown[];
  protected readonly nums: Float64Array;
  readonly #last: string[];

  constructor(rows: number, refs: number, nums: number) {
    this.refs = new Array<unknown>(rows * refs).fill(undefined);
    this.nums = new Float64Array(rows * nums);
    this.#last = new Array<string>(refs).fill('');
  }

  protected shared(column: number, s: string): string {
    const last = this.#last[column] as string;
    if (s === last) return last;
    this.#last[column] = s;
    return s;
  }
}

/** Reference columns of a row. */
const POD = 0;
const CLIENT = 1;
const METHOD = 2;
const TARGET = 3;
const HOST = 4;
const VERSION = 5;
const SCHEME = 6;
const ANSWER = 7;
const INGRESS = 8;
const SERVICE = 9;
const ENDPOINT = 10;
const SRC_IP = 11;
const DST_IP = 12;
const REFS = 13;

/** Number columns of a row. */
const SRC_PORT = 0;
const DST_PORT = 1;
const STATUS = 2;
const STARTED = 3;
const ENDED = 4;
const REQUEST_BYTES = 5;
const RESPONSE_BYTES = 6;
const NUMS = 7;

/** L7 rows: answered HTTP requests. */
export class HttpColumns extends Columns {
  constructor(rows: number) {
    super(rows, REFS, NUMS);
  }

  /** Copies `e` and its client into row `row`, keeping no reference to `e` or its tuple. */
  write(row: number, e: HttpExchange, client: Owner): void {
    const r = this.refs;
    const at = row * REFS;
    r[at + POD] = e.pod;
    r[at + CLIENT] = client;
    r[at + METHOD] = this.shared(METHOD, e.method);
    r[at + TARGET] = this.shared(TARGET, e.target);
    r[at + HOST] = e.host === undefined ? undefined : this.shared(HOST, e.host);
    r[at + VERSION] = this.shared(VERSION, e.httpVersion);
    r[at + SCHEME] = e.scheme;
    r[at + ANSWER] = e.answer;
    r[at + INGRESS] = e.ingress;
    r[at + SERVICE] = e.service;
    r[at + ENDPOINT] = e.endpoint;
    r[at + SRC_IP] = this.shared(SRC_IP, e.tuple.srcIP);
    r[at + DST_IP] = this.shared(DST_IP, e.tuple.dstIP);
    const n = this.nums;
    const k = row * NUMS;
    n[k + SRC_PORT] = e.tuple.srcPort;
    n[k + DST_PORT] = e.tuple.dstPort;
    n[k + STATUS] = e.status;
    n[k + STARTED] = e.startedAt;
    n[k + ENDED] = e.endedAt;
    n[k + REQUEST_BYTES] = e.requestBytes;
    n[k + RESPONSE_BYTES] = e.responseBytes;
  }

  /** The client's owner as it was when row `row` was written. */
  client(row: number): Owner {
    return this.refs[row * REFS + CLIENT] as Owner;
  }

  /** The exchange row `row` was written from (a new object with the same fields). */
  exchange(row: number): HttpExchange {
    const r = this.refs;
    const at = row * REFS;
    const n = this.nums;
    const k = row * NUMS;
    const answer = r[at + ANSWER] as HttpExchange['answer'];
    return {
      pod: r[at + POD] as HttpExchange['pod'],
      tuple: {
        protocol: 'TCP',
        srcIP: r[at + SRC_IP] as string,
        srcPort: n[k + SRC_PORT] as number,
        dstIP: r[at + DST_IP] as string,
        dstPort: n[k + DST_PORT] as number,
      },
      method: r[at + METHOD] as string,
      target: r[at + TARGET] as string,
      host: r[at + HOST] as string | undefined,
      httpVersion: r[at + VERSION] as string,
      scheme: r[at + SCHEME] as HttpExchange['scheme'],
      status: n[k + STATUS] as number,
      startedAt: n[k + STARTED] as number,
      endedAt: n[k + ENDED] as number,
      requestBytes: n[k + REQUEST_BYTES] as number,
      responseBytes: n[k + RESPONSE_BYTES] as number,
      ...(answer === undefined
        ? {}
        : {
            answer,
            ingress: r[at + INGRESS] as HttpExchange['ingress'],
            service: r[at + SERVICE] as HttpExchange['service'],
            endpoint: r[at + ENDPOINT] as HttpExchange['endpoint'],
          }),
    };
  }
}

/** Reference columns of a connection row. */
const C_HOPS = 0;
const C_SERVICE = 1;
const C_PROXY_NODE = 2;
const C_PROTOCOL = 3;
const C_VERDICT = 4;
const C_REASON = 5;
const C_FROM_POD = 6;
const C_SOURCE = 7;
const C_DESTINATION = 8;
const C_ORIG_SRC_IP = 9;
const C_ORIG_DST_IP = 10;
const C_SEEN_SRC_IP = 11;
const C_SEEN_DST_IP = 12;
const C_REFS = 13;

/** Number columns of a connection row. */
const C_ORIG_SRC_PORT = 0;
const C_ORIG_DST_PORT = 1;
const C_SEEN_SRC_PORT = 2;
const C_SEEN_DST_PORT = 3;
const C_STARTED = 4;
const C_ENDED = 5;
const C_SENT = 6;
const C_RECEIVED = 7;
const C_NUMS = 8;

/** L3/L4 rows: finished connections. */
export class ConnectionColumns extends Columns {
  constructor(rows: number) {
    super(rows, C_REFS, C_NUMS);
  }

  /** Copies the facts of `input` into row `row`; owners are looked up now. */
  write(row: number, input: FlowInput): void {
    const { plan, original } = input;
    const seen = plan.seen;
    const r = this.refs;
    const at = row * C_REFS;
    r[at + C_HOPS] = plan.hops;
    r[at + C_SERVICE] = plan.service;
    r[at + C_PROXY_NODE] = plan.proxyNode;
    r[at + C_PROTOCOL] = input.protocol;
    r[at + C_VERDICT] = input.verdict;
    r[at + C_REASON] = input.reason;
    r[at + C_FROM_POD] = input.origin.kind === 'pod';
    r[at + C_SOURCE] = ownerOf(input.world, original.src.ip);
    r[at + C_DESTINATION] = ownerOf(input.world, seen.dst.ip);
    r[at + C_ORIG_SRC_IP] = this.shared(C_ORIG_SRC_IP, original.src.ip);
    r[at + C_ORIG_DST_IP] = this.shared(C_ORIG_DST_IP, original.dst.ip);
    r[at + C_SEEN_SRC_IP] = this.shared(C_SEEN_SRC_IP, seen.src.ip);
    r[at + C_SEEN_DST_IP] = this.shared(C_SEEN_DST_IP, seen.dst.ip);
    const n = this.nums;
    const k = row * C_NUMS;
    n[k + C_ORIG_SRC_PORT] = original.src.port;
    n[k + C_ORIG_DST_PORT] = original.dst.port;
    n[k + C_SEEN_SRC_PORT] = seen.src.port;
    n[k + C_SEEN_DST_PORT] = seen.dst.port;
    n[k + C_STARTED] = input.startedAt;
    n[k + C_ENDED] = input.endedAt;
    n[k + C_SENT] = input.bytes.sent;
    n[k + C_RECEIVED] = input.bytes.received;
  }

  /** The facts row `row` was written from. */
  facts(row: number): ConnectionFacts {
    const r = this.refs;
    const at = row * C_REFS;
    const n = this.nums;
    const k = row * C_NUMS;
    const tuple = (srcIP: number, srcPort: number, dstIP: number, dstPort: number): Tuple => ({
      src: { ip: r[at + srcIP] as string, port: n[k + srcPort] as number },
      dst: { ip: r[at + dstIP] as string, port: n[k + dstPort] as number },
    });
    return {
      hops: r[at + C_HOPS] as readonly Hop[],
      seen: tuple(C_SEEN_SRC_IP, C_SEEN_SRC_PORT, C_SEEN_DST_IP, C_SEEN_DST_PORT),
      service: r[at + C_SERVICE] as string | undefined,
      proxyNode: r[at + C_PROXY_NODE] as string | undefined,
      fromPod: r[at + C_FROM_POD] as boolean,
      original: tuple(C_ORIG_SRC_IP, C_ORIG_SRC_PORT, C_ORIG_DST_IP, C_ORIG_DST_PORT),
      protocol: r[at + C_PROTOCOL] as L4Protocol,
      verdict: r[at + C_VERDICT] as ConnectionFacts['verdict'],
      reason: r[at + C_REASON] as string | undefined,
      startedAt: n[k + C_STARTED] as number,
      endedAt: n[k + C_ENDED] as number,
      sent: n[k + C_SENT] as number,
      received: n[k + C_RECEIVED] as number,
      source: r[at + C_SOURCE] as Owner,
      destination: r[at + C_DESTINATION] as Owner,
    };
  }
}
