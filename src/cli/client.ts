/**
 * The HTTP client every `netkube` command uses to reach its emulator's API
 * server (node:http, one keep-alive agent per invocation: it loads with Node
 * itself, which keeps short commands fast). It speaks the
 * Kubernetes wire protocol as kubectl does: JSON bodies, the `as=Table` Accept
 * header for human-readable gets, NDJSON watch streams, the three patch types,
 * and `Status` bodies turned into `StatusError`s. `Warning: 299` headers are
 * handed to `onWarning` (kubectl prints them as `Warning: <text>`).
 */
import { Agent, type IncomingMessage, request } from 'node:http';
import { StatusError, type StatusReason } from '../api/errors.js';
import type { Status } from '../api/types.js';
import type { Logger } from '../log/index.js';
import { NetkubeError } from '../util/errors.js';

/** The Accept header kubectl sends for human-readable `get` (server-side printing). */
export const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** kubectl's three patch kinds: merge (scale, label), strategic (set image, rollout), JSON (undo). */
export type PatchType = 'merge' | 'strategic' | 'json';

const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** Query parameters; undefined values are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** What one request sends: query, JSON body (with its content type) and Accept header. */
export interface RequestOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
  readonly signal?: AbortSignal | undefined;
}

/** One event of a watch stream (`{"type":…,"object":…}`); ERROR events are thrown instead. */
export interface WireWatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  readonly object: unknown;
}

/** The emulator's address answered with a refused connection (kubectl's wording). */
export class ConnectionRefusedError extends NetkubeError {
  constructor(host: string, options?: { cause?: unknown }) {
    super(
      'ERR_CONNECTION_REFUSED',
      `The connection to the server ${host} was refused - did you specify the right host or port?`,
      options,
    );
  }
}

/** An ApiClient's configuration (see `CliContext.client()`, which makes the only one per command). */
export interface ApiClientConfig {
  /** `http://127.0.10.1:6443` */
  readonly baseUrl: string;
  readonly logger?: Logger;
  /** Called once per `Warning` header of a response. */
  readonly onWarning?: (text: string) => void;
}

const REASONS: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * Turns an error response into a StatusError: the body's Status when it is one,
 * otherwise apimachinery's generic text for the code (`the server could not
 * find the requested resource`).
 */
export function statusErrorFrom(code: number, text: string): StatusError {
  try {
    const parsed = JSON.parse(text) as Partial<Status>;
    if (parsed && parsed.kind === 'Status') return StatusError.fromStatus(parsed as Status, code);
  } catch {
    // Not JSON: fall through to the generic message.
  }
  const reason = REASONS[code] ?? 'InternalError';
  const generic =
    code === 404
      ? 'the server could not find the requested resource'
      : `an error on the server ("${text.trim().slice(0, 200)}") has prevented the request from succeeding`;
  return new StatusError(reason, code, generic);
}

function parseWarning(header: string): string {
  const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(header);
  return m ? (m[1] ?? '').replace(/\\(.)/g, '$1') : header;
}

/** A client of one emulator's API server. Call `close()` when the command is done. */
export class ApiClient {
  readonly baseUrl: string;
  readonly #agent: Agent;
  readonly #logger: Logger | undefined;
  readonly #onWarning: ((text: string) => void) | undefined;

  constructor(config: ApiClientConfig) {
    const url = new URL(config.baseUrl);
    this.baseUrl = url.origin;
    this.#agent = new Agent({ keepAlive: true, maxSockets: 8 });
    this.#logger = config.logger;
    this.#onWarning = config.onWarning;
  }

  /** Sends a request and returns the parsed JSON body of a 2xx answer; throws StatusError otherwise. */
  async json<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const text = await this.text(method, path, { accept: 'application/json', ...options });
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** GET with kubectl's Table Accept header: a Table when the server prints, else the plain object. */
  async table(path: string, query?: Query, signal?: AbortSignal): Promise<unknown> {
    return this.json('GET', path, { accept: TABLE_ACCEPT, ...(query ? { query } : {}), signal });
  }

  /** PATCH with one of kubectl's patch content types. */
  async patch<T = unknown>(path: string, type: PatchType, body: unknown, query?: Query): Promise<T> {
    return this.json<T>('PATCH', path, {
      body,
      contentType: PATCH_CONTENT_TYPES[type],
      ...(query ? { query } : {}),
    });
  }

  /** Sends a request and returns the body as text (extension routes that answer text/plain). */
  async text(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<string> {
    const res = await this.#send(method, path, options);
    return readText(res);
  }

  /**
   * Opens a watch (`?watch=true`) and yields its events until the server ends
   * the stream or `signal` aborts. An ERROR event is thrown as a StatusError.
   */
  async *watch(path: string, query: Query, options: { table?: boolean; signal?: AbortSignal } = {}) {
    const accept = options.table ? TABLE_ACCEPT : 'application/json';
    for await (const line of this.lines(
      path,
      { ...query, watch: 'true' },
      { accept, signal: options.signal },
    )) {
      const event = JSON.parse(line) as { type: string; object: unknown };
      if (event.type === 'ERROR') throw StatusError.fromStatus(event.object as Status);
      yield event as WireWatchEvent;
    }
  }

  /** Streams a response line by line (NDJSON flows, followed logs). Lines are yielded without `\n`. */
  async *lines(
    path: string,
    query: Query,
    options: { accept?: string; signal?: AbortSignal | undefined } = {},
  ) {
    let rest = '';
    for await (const chunk of this.chunks(path, query, options)) {
      rest += chunk;
      let nl = rest.indexOf('\n');
      while (nl >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        if (line.trim() !== '') yield line;
        nl = rest.indexOf('\n');
      }
    }
    if (rest.trim() !== '') yield rest;
  }

  /** Streams a GET response's body as text chunks, as they arrive. Ends quietly on abort. */
  async *chunks(
    path: string,
    query: Query,
    options: { accept?: string; signal?: AbortSignal | undefined } = {},
  ) {
    const body = await this.#send('GET', path, { query, ...options });
    body.setEncoding('utf8');
    try {
      for await (const chunk of body) yield chunk as string;
    } catch (err) {
      if (!options.signal?.aborted) throw err;
    } finally {
      body.destroy();
    }
  }

  /** Closes idle connections; pending streams are destroyed. */
  async close(): Promise<void> {
    this.#agent.destroy();
  }

  #url(path: string, query: Query | undefined): string {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  async #send(method: HttpMethod, path: string, options: RequestOptions): Promise<IncomingMessage> {
    const url = this.#url(path, options.query);
    const headers: Record<string, string> = {
      accept: options.accept ?? 'application/json',
      'user-agent': 'netkube',
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    this.#logger?.debug({ method, url }, 'request');
    let res: IncomingMessage;
    try {
      res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(
          url,
          { method, headers, agent: this.#agent, ...(options.signal ? { signal: options.signal } : {}) },
          resolve,
        );
        req.on('error', reject);
        req.end(body);
      });
    } catch (err) {
      if (isRefused(err)) throw new ConnectionRefusedError(new URL(this.baseUrl).host, { cause: err });
      throw err;
    }
    this.#logger?.debug({ method, url, status: res.statusCode }, 'response');
    this.#warnings(res.headers.warning);
    const status = res.statusCode ?? 0;
    if (status >= 400) throw statusErrorFrom(status, await readText(res));
    return res;
  }

  #warnings(header: string | string[] | undefined): void {
    if (!header || !this.#onWarning) return;
    for (const h of Array.isArray(header) ? header : [header]) this.#onWarning(parseWarning(h));
  }
}

/** The HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Reads a whole response body as UTF-8 text. */
async function readText(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += chunk as string;
  return text;
}

function isRefused(err: unknown): boolean {
  const code = (err as { code?: unknown; cause?: { code?: unknown } })?.code;
  const causeCode = (err as { cause?: { code?: unknown } })?.cause?.code;
  return code === 'ECONNREFUSED' || causeCode === 'ECONNREFUSED';
}
