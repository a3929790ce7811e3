/**
 * Container logs as the kubelet keeps them: per container, the current
 * instance and the previous one (`kubectl logs --previous`), each bounded in
 * bytes (oldest lines dropped first, like log rotation), with the time each
 * line was written (`--timestamps`, `--since`). Followers (`-f`) receive lines
 * as they are written and end when the instance exits.
 */
import type { Clock } from '../util/clock.js';

/** One line of output and when it was written (ms since the epoch). */
export interface LogLine {
  readonly at: number;
  readonly text: string;
}

/** What to read (the `PodLogOptions` of the Kubernetes API). */
export interface LogReadOptions {
  readonly previous?: boolean;
  readonly tailLines?: number | undefined;
  /** Only lines written at or after this time (ms since the epoch). */
  readonly sinceMs?: number | undefined;
  readonly timestamps?: boolean;
}

type Follower = (line: LogLine | undefined) => void;

/** Output of one container instance; the current one links the previous one. */
class Instance {
  /** Line texts and their write times, as parallel arrays (no object per line: cheaper at 100,000 pods). */
  texts: string[] = [];
  times: number[] = [];
  bytes = 0;
  ended = false;
  followers: Set<Follower> | undefined;
  previous: Instance | undefined;
}

/** `2026-01-02T03:04:05.123Z` as Go's RFC3339Nano prints it (trailing zeros trimmed). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_m, frac: string) => {
    const t = frac.replace(/0+$/, '');
    return t === '' ? 'Z' : `.${t}Z`;
  });
}

function render(line: LogLine, timestamps: boolean | undefined): string {
  return timestamps ? `${rfc3339Nano(line.at)} ${line.text}\n` : `${line.text}\n`;
}

export interface LogStoreConfig {
  readonly clock: Clock;
  /** Bytes kept per container instance. @default 1 MiB */
  readonly maxBytesPerContainer?: number;
}

/** Logs of every simulated container in the process. */
export class LogStore {
  readonly #clock: Clock;
  readonly #maxBytes: number;
  /** Current instance per container (`previous` hangs off it). */
  readonly #containers = new Map<string, Instance>();

  constructor(config: LogStoreConfig) {
    this.#clock = config.clock;
    this.#maxBytes = config.maxBytesPerContainer ?? 1 << 20;
    if (!(this.#maxBytes > 0)) throw new RangeError('maxBytesPerContainer must be positive');
  }

  /** A new instance of the container starts: the current output becomes `previous`. */
  startInstance(key: string): void {
    const existing = this.#containers.get(key);
    const next = new Instance();
    if (existing) {
      this.#end(existing);
      existing.previous = undefined;
      next.previous = existing;
    }
    this.#containers.set(key, next);
  }

  /** The current instance exited: followers are told the stream is over. */
  endInstance(key: string): void {
    const current = this.#containers.get(key);
    if (current) this.#end(current);
  }

  /** Appends one line (no trailing newline) to the current instance. */
  append(key: string, text: string): void {
    let inst = this.#containers.get(key);
    if (!inst) {
      inst = new Instance();
      this.#containers.set(key, inst);
    }
    const at = this.#clock.now();
    // The first line gets exact-size arrays (push() on an empty array reserves 16 slots per container).
    if (inst.texts.length === 0) {
      inst.texts = [text];
      inst.times = [at];
    } else {
      inst.texts.push(text);
      inst.times.push(at);
    }
    inst.bytes += text.length + 1;
    while (inst.bytes > this.#maxBytes && inst.texts.length > 1) {
      inst.bytes -= (inst.texts.shift()?.length ?? 0) + 1;
      inst.times.shift();
    }
    if (inst.followers) for (const f of inst.followers) f({ at, text });
  }

  /** Whether the container has any instance (it started at least once). */
  has(key: string, previous = false): boolean {
    const current = this.#containers.get(key);
    return previous ? current?.previous !== undefined : current !== undefined;
  }

  /** The selected output as text (each line ends in `\n`). */
  read(key: string, options: LogReadOptions = {}): string {
    return this.#select(key, options)
      .map((l) => render(l, options.timestamps))
      .join('');
  }

  /**
   * Yields the selected output, then (for the current instance) new lines as
   * they are written, until the instance ends or `signal` aborts.
   */
  async *follow(key: string, options: LogReadOptions, signal: AbortSignal): AsyncGenerator<string> {
    const current = this.#containers.get(key);
    const inst = options.previous ? current?.previous : current;
    if (!inst) return;
    const queue: LogLine[] = [...this.#select(key, options)];
    let wake: (() => void) | undefined;
    let over = inst.ended;
    const follower: Follower = (line) => {
      if (line) queue.push(line);
      else over = true;
      wake?.();
    };
    const onAbort = () => follower(undefined);
    inst.followers ??= new Set();
    inst.followers.add(follower);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        while (queue.length > 0) {
          const line = queue.shift();
          if (line) yield render(line, options.timestamps);
        }
        if (over || signal.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      inst.followers.delete(follower);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Forgets a container (pod deleted). */
  remove(key: string): void {
    const current = this.#containers.get(key);
    if (!current) return;
    this.#end(current);
    this.#containers.delete(key);
  }

  /** Forgets every container whose key starts with `prefix` (`ns/pod/`). */
  removePrefix(prefix: string): void {
    for (const key of [...this.#containers.keys()]) if (key.startsWith(prefix)) this.remove(key);
  }

  #select(key: string, options: LogReadOptions): LogLine[] {
    const current = this.#containers.get(key);
    const inst = options.previous ? current?.previous : current;
    if (!inst) return [];
    let lines: LogLine[] = inst.texts.map((text, i) => ({ at: inst.times[i] ?? 0, text }));
    if (options.sinceMs !== undefined) {
      const since = options.sinceMs;
      lines = lines.filter((l) => l.at >= since);
    }
    if (options.tailLines !== undefined)
      lines = options.tailLines <= 0 ? [] : lines.slice(-options.tailLines);
    return lines;
  }

  #end(inst: Instance): void {
    if (inst.ended) return;
    inst.ended = true;
    for (const f of inst.followers ?? []) f(undefined);
  }
}

/** The log key of a container: `namespace/pod/container`. */
export function containerLogKey(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}
