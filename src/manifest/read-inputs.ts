/**
 * Turns `-f` arguments into texts: files as named, directories as kubectl reads
 * them (their `.yaml`, `.yml` and `.json` files in sorted path order; the
 * subdirectories' too only with `-R`), and `-` for standard input.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ManifestProblem } from './problems.js';

/** The text of one manifest file. */
export interface ManifestText {
  /** The name shown in messages: the path as given (or under the given directory), `STDIN` for `-`. */
  readonly file: string;
  readonly text: string;
}

/** Standard input: its whole text, or a stream of chunks (`process.stdin`). */
export type StdinSource = string | AsyncIterable<string | Uint8Array>;

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

async function readStdin(stdin: StdinSource | undefined): Promise<string> {
  if (stdin === undefined) return '';
  if (typeof stdin === 'string') return stdin;
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

async function listDirectory(dir: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) files.push(...(await listDirectory(path, true)));
    } else if (MANIFEST_EXTENSIONS.test(entry.name)) files.push(path);
  }
  return files.sort();
}

function displayName(path: string, cwd: string, input: string): string {
  if (!isAbsolute(input)) return relative(cwd, path) || path;
  return path;
}

/** Reads every input; unreadable ones become `READ_FAILED` problems. */
export async function readInputs(
  inputs: readonly string[],
  options: {
    readonly cwd: string;
    readonly stdin?: StdinSource | undefined;
    /** Read directories' subdirectories too (kubectl's `-R`, `--recursive`). */
    readonly recursive?: boolean | undefined;
  },
): Promise<{ texts: ManifestText[]; problems: ManifestProblem[] }> {
  const texts: ManifestText[] = [];
  const problems: ManifestProblem[] = [];
  for (const input of inputs) {
    if (input === '-') {
      texts.push({ file: 'STDIN', text: await readStdin(options.stdin) });
      continue;
    }
    const path = resolve(options.cwd, input);
    try {
      const info = await stat(path);
      const files = info.isDirectory() ? await listDirectory(path, options.recursive === true) : [path];
      if (info.isDirectory() && files.length === 0) {
        // kubectl: "error reading [DIR]: recognized file extensions are [.json .yaml .yml]".
        const where = options.recursive === true ? '' : ' (its subdirectories are read only with -R)';
        problems.push({
          code: 'READ_FAILED',
          file: input,
          line: 1,
          message: `no .json, .yaml or .yml file in this directory${where}: recognized file extensions are [.json .yaml .yml]`,
        });
        continue;
      }
      for (const f of files)
        texts.push({ file: displayName(f, options.cwd, input), text: await readFile(f, 'utf8') });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file or directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String(err);
      problems.push({ code: 'READ_FAILED', file: input, line: 1, message: `cannot read: ${why}` });
    }
  }
  return { texts, problems };
}
