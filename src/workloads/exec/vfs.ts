/**
 * A container's tiny virtual filesystem: what the safe in-pod commands
 * (`touch`, `rm`, `cat`, `echo > file`, `ls`) read and change, what exec probes
 * check (`cat /tmp/healthy`), and where images keep the files they serve
 * (nginx's `/usr/share/nginx/html`). Nothing here touches the host's disk.
 *
 * A restarted container gets a fresh filesystem, as a new container's writable
 * layer is. Created on first use only.
 */
import type { Clock } from '../../util/clock.js';

/** A file placed in the image (content and modification time); a path ending in `/` seeds a directory. */
export interface SeedFile {
  readonly content: string | Buffer;
  readonly mtimeMs: number;
}

export interface VfsStat {
  readonly kind: 'file' | 'dir';
  readonly size: number;
  readonly mtimeMs: number;
}

/** Why an operation failed, as errno names (messages are the commands' business). */
export type VfsError = 'ENOENT' | 'EISDIR' | 'ENOTDIR' | 'ENOTEMPTY' | 'EEXIST';

interface FileEntry {
  /** Seeded files keep their text until first read (most are never read). */
  content: Buffer | string;
  mtimeMs: number;
}

function bytes(entry: FileEntry): Buffer {
  if (typeof entry.content === 'string') entry.content = Buffer.from(entry.content);
  return entry.content;
}

/** Directories every image has. */
const BASE_DIRS = [
  '/',
  '/bin',
  '/dev',
  '/etc',
  '/home',
  '/proc',
  '/root',
  '/run',
  '/sys',
  '/tmp',
  '/usr',
  '/var',
];

/** Normalises `path` against `cwd` (`.`/`..` resolved, no trailing slash). */
export function resolvePath(path: string, cwd = '/'): string {
  const parts: string[] = [];
  const full = path.startsWith('/') ? path : `${cwd}/${path}`;
  for (const seg of full.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The filesystem of one container instance. */
export class VirtualFs {
  readonly #clock: Clock;
  readonly #files = new Map<string, FileEntry>();
  readonly #dirs = new Map<string, number>();

  constructor(clock: Clock, seed: Readonly<Record<string, SeedFile>> = {}) {
    this.#clock = clock;
    const now = clock.now();
    for (const d of BASE_DIRS) this.#dirs.set(d, now);
    for (const [path, file] of Object.entries(seed)) {
      const p = resolvePath(path);
      if (path.endsWith('/')) {
        this.#mkdirs(p, file.mtimeMs);
        continue;
      }
      this.#mkdirs(parentOf(p), now);
      this.#files.set(p, { content: file.content, mtimeMs: file.mtimeMs });
    }
  }

  stat(path: string): VfsStat | undefined {
    const p = resolvePath(path);
    const dir = this.#dirs.get(p);
    if (dir !== undefined) return { kind: 'dir', size: 4096, mtimeMs: dir };
    const file = this.#files.get(p);
    return file ? { kind: 'file', size: bytes(file).length, mtimeMs: file.mtimeMs } : undefined;
  }

  read(path: string): Buffer | VfsError {
    const p = resolvePath(path);
    if (this.#dirs.has(p)) return 'EISDIR';
    const file = this.#files.get(p);
    if (file) return bytes(file);
    return this.#files.has(parentOf(p)) ? 'ENOTDIR' : 'ENOENT';
  }

  /** Creates or replaces (or appends to) a file; the parent directory must exist. */
  write(path: string, data: string | Buffer, append = false): VfsError | undefined {
    const p = resolvePath(path);
    if (this.#dirs.has(p)) return 'EISDIR';
    const parent = parentOf(p);
    if (!this.#dirs.has(parent)) return this.#files.has(parent) ? 'ENOTDIR' : 'ENOENT';
    const incoming = typeof data === 'string' ? Buffer.from(data) : data;
    const old = this.#files.get(p);
    const content = append && old ? Buffer.concat([bytes(old), incoming]) : incoming;
    this.#files.set(p, { content, mtimeMs: this.#clock.now() });
    return undefined;
  }

  /** `touch`: creates an empty file or updates the time. */
  touch(path: string): VfsError | undefined {
    const p = resolvePath(path);
    const now = this.#clock.now();
    if (this.#dirs.has(p)) {
      this.#dirs.set(p, now);
      return undefined;
    }
    const old = this.#files.get(p);
    if (old) {
      old.mtimeMs = now;
      return undefined;
    }
    return this.write(p, '');
  }

  /** Removes a file, or a directory (`recursive`, or when empty with `dir`). */
  remove(path: string, options: { recursive?: boolean; dir?: boolean } = {}): VfsError | undefined {
    const p = resolvePath(path);
    if (this.#files.delete(p)) return undefined;
    if (!this.#dirs.has(p)) return 'ENOENT';
    const children = this.list(p) ?? [];
    if (!options.recursive && !options.dir) return 'EISDIR';
    if (!options.recursive && children.length > 0) return 'ENOTEMPTY';
    if (p === '/') return 'EISDIR';
    for (const f of [...this.#files.keys()]) if (f.startsWith(`${p}/`)) this.#files.delete(f);
    for (const d of [...this.#dirs.keys()]) if (d === p || d.startsWith(`${p}/`)) this.#dirs.delete(d);
    return undefined;
  }

  /** `mkdir [-p]`. */
  mkdir(path: string, parents = false): VfsError | undefined {
    const p = resolvePath(path);
    if (this.#dirs.has(p) || this.#files.has(p)) return parents && this.#dirs.has(p) ? undefined : 'EEXIST';
    if (!this.#dirs.has(parentOf(p)) && !parents) return 'ENOENT';
    this.#mkdirs(p, this.#clock.now());
    return undefined;
  }

  /** Sorted names in a directory, or undefined when it is not one. */
  list(path: string): string[] | undefined {
    const p = resolvePath(path);
    if (!this.#dirs.has(p)) return undefined;
    const prefix = p === '/' ? '/' : `${p}/`;
    const names = new Set<string>();
    for (const key of [...this.#files.keys(), ...this.#dirs.keys()]) {
      if (key !== p && key.startsWith(prefix)) names.add(key.slice(prefix.length).split('/')[0] ?? '');
    }
    names.delete('');
    return [...names].sort();
  }

  #mkdirs(path: string, now: number): void {
    let cur = '';
    for (const seg of path.split('/').filter(Boolean)) {
      cur += `/${seg}`;
      if (!this.#dirs.has(cur)) this.#dirs.set(cur, now);
    }
  }
}
