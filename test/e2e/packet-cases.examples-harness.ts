/**
 * Runs an example README's console blocks against a real emulator and
 * compares what each command prints with what the README shows.
 *
 * A README's ```console blocks hold `$ command` lines, each followed by the
 * output it prints. Commands: `netkube up -d DIR` (an emulator with the
 * directory's manifests, the default topology or `--topology FILE`, in this
 * test's address slot),
 * `netkube …` (the CLI, in-process), `curl [-s] [-i] [-k] [-v] [-X M]
 * [-H 'Name: value'] [--resolve HOST:PORT:ADDR] URL` (packet-cases.examples-curl.ts),
 * optionally piped into `grep` (`2>&1 | grep -E '…'`), and `netkube down`.
 *
 * Normalisation (applied to both sides; see examples/README.md): the address
 * slot (127.S.10.N and 127.S.20.N read as slot 0's 127.0.10.N and
 * 127.0.20.N), pod-name suffixes, pod IPs and ClusterIPs, ports from the
 * ephemeral range, ages, veth and KUBE-SEP names (they hash pod names and
 * IPs), `rollout status` progress lines (their number follows timing),
 * describe's timestamps and HTTP `Date` headers, ingress-nginx access-log
 * times, timings and request lengths, request IDs, and runs of spaces (table
 * column widths follow name lengths).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/types.js';
import { main } from '../../src/cli/main.js';
import { Emulator } from '../../src/emulator/emulator.js';
import { silentLogger } from '../../src/log/index.js';
import { defaultTopologyText, loadTopology } from '../../src/topology/index.js';
import { seededRandom } from '../../src/util/random.js';
import { type CurlOutput, curl, curlArgs, grep } from './packet-cases.examples-curl.js';

export interface Step {
  readonly command: string;
  readonly expected: string;
  /** 1-based line of the command in the README. */
  readonly line: number;
}

/** The `$ command` lines of a README's console blocks and the output shown under each. */
export function readmeSteps(text: string): Step[] {
  const steps: Step[] = [];
  const lines = text.split('\n');
  let inBlock = false;
  let current: { command: string; out: string[]; line: number } | undefined;
  const flush = () => {
    if (current)
      steps.push({ command: current.command, expected: current.out.join('\n'), line: current.line });
    current = undefined;
  };
  lines.forEach((line, i) => {
    if (/^```console\s*$/.test(line)) inBlock = true;
    else if (inBlock && /^```\s*$/.test(line)) {
      flush();
      inBlock = false;
    } else if (inBlock && line.startsWith('$ ')) {
      flush();
      current = { command: line.slice(2), out: [], line: i + 1 };
    } else if (inBlock) current?.out.push(line);
  });
  return steps;
}

/** Rewrites the README's outputs with `outputs` (one per step, in order): `-u` for examples. */
export function rewriteReadme(text: string, outputs: readonly string[]): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let inBlock = false;
  let k = -1;
  let skipping = false;
  for (const line of lines) {
    if (/^```console\s*$/.test(line)) inBlock = true;
    else if (inBlock && /^```\s*$/.test(line)) {
      inBlock = false;
      skipping = false;
    } else if (inBlock && line.startsWith('$ ')) {
      k++;
      out.push(line);
      const o = (outputs[k] ?? '').replace(/\n$/, '');
      if (o !== '') out.push(...o.split('\n'));
      skipping = true;
      continue;
    } else if (skipping) continue;
    out.push(line);
  }
  return withMermaidBlocks(out.join('\n'));
}

/** Fills each ```mermaid block that follows a console block ending in `-o mermaid` with that output. */
function withMermaidBlocks(text: string): string {
  return text.replace(
    /(```console\n(?:.*\n)*?\$ [^\n]*-o mermaid\n((?:(?!```).*\n)*?)```\n\n```mermaid\n)(?:(?!```).*\n)*?```/g,
    (_all, head: string, diagram: string) => `${head}${diagram}\`\`\``,
  );
}

/**
 * An ingress-nginx access log line up to `$upstream_response_time`: the
 * request length (it counts the Host header, which holds the slot's node
 * address), `$request_time` and `$upstream_response_time` vary.
 */
const ACCESS_LOG_TIMINGS =
  /^(\S+ - \S+ \[[^\]]*\] "[^"]*" \d{3} \d+ "[^"]*" "[^"]*" )\d+ \d+\.\d{3}( \[[^\]]*\] \[[^\]]*\] \S+ \S+ )(?:\d+\.\d{3}|-) /gm;

/** The normalisation both sides get before comparing. */
export function normalise(text: string, slot: number): string {
  return (
    text
      .replace(/^Waiting for deployment .*\n/gm, '')
      .replace(
        /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|GMT)\b/g,
        'DATE',
      )
      .replace(/\[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]/g, '[DATE]')
      // The time stamp `netkube flows` starts each line with, as `hubble observe` does.
      .replace(/^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}\.\d{3}:/gm, 'TIME:')
      .replace(ACCESS_LOG_TIMINGS, '$1LENGTH TIME$2TIME ')
      .replace(/\b[0-9a-f]{32}\b/g, 'REQUEST-ID')
      .replace(new RegExp(`127\\.${slot}\\.(10|20)\\.`, 'g'), '127.0.$1.')
      .replace(/\b(10\.244)\.\d+\.\d+/g, '$1.X.Y')
      .replace(/\b10\.(9[6-9]|10\d|11[01])\.\d+\.\d+/g, '10.96.X.Y')
      .replace(/-[bcdfghjklmnpqrstvwxz2456789]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g, '-HASH-ID')
      .replace(/\b([a-z][a-z0-9]*(?:-[a-z0-9]+)*?)-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g, '$1-ID')
      // Ephemeral ports (32768 and up, as Linux hands them out); NodePorts (30000–32767) stay.
      .replace(/:(3276[89]|327[7-9]\d|32[89]\d{2}|3[3-9]\d{3}|[4-6]\d{4})\b/g, ':PORT')
      .replace(/\bcali[0-9a-f]{11}\b/g, 'caliVETH')
      .replace(/\bKUBE-SEP-[A-Z2-7]{16}\b/g, 'KUBE-SEP-HASH')
      .replace(/\b\d+(?:\.\d+)?(s|m|h|d)(\d+(s|m))?\b/g, 'AGE')
      .replace(/[ \t]+/g, ' ')
      .replace(/ +$/gm, '')
      .trim()
  );
}

/**
 * For examples whose pods land on either worker: `worker-N` names and the
 * workers' addresses (127.0.10.2 and up; the control plane is 127.0.10.1)
 * read as any worker, after `normalise`.
 */
export function anyWorker(text: string): string {
  return text.replace(/\bworker-\d+\b/g, 'worker-N').replace(/\b127\.0\.10\.([2-9]|\d\d+)\b/g, '127.0.10.W');
}

/**
 * Runs every console command of `examples/<name>/README.md` against a fresh
 * emulator in `slot` and expects each to print what the README shows (after
 * `normalise`); with `record`, rewrites the README with what they printed
 * instead (slot 0's addresses), as `vitest -u` does for golden files.
 */
export async function checkExampleReadme(options: {
  readonly repo: string;
  readonly name: string;
  readonly slot: number;
  readonly record: boolean;
  /**
   * The example's pods land on either worker (scheduler ties, broken at
   * random): worker names and addresses compare as any worker (`anyWorker`).
   */
  readonly anyWorker?: boolean;
}): Promise<void> {
  const { repo, name, slot, record } = options;
  const norm = (text: string) =>
    options.anyWorker ? anyWorker(normalise(text, slot)) : normalise(text, slot);
  const path = join(repo, 'examples', name, 'README.md');
  const text = readFileSync(path, 'utf8');
  const steps = readmeSteps(text);
  expect(steps.length, `${name}: no console commands`).toBeGreaterThan(0);
  const home = mkdtempSync(join(tmpdir(), `netkube-example-${name}-`));
  const run = new ExampleRun({ home, slot, repo });
  const outputs: string[] = [];
  try {
    for (const step of steps) {
      const got = await run.run(step.command);
      outputs.push(got.replace(new RegExp(`127\\.${slot}\\.(10|20)\\.`, 'g'), '127.0.$1.'));
      if (!record)
        expect(norm(got), `examples/${name}/README.md:${step.line}: $ ${step.command}`).toBe(
          norm(step.expected),
        );
    }
  } finally {
    await run.stop();
    rmSync(home, { recursive: true, force: true });
  }
  if (record) writeFileSync(path, rewriteReadme(text, outputs));
}

/** One example run: an emulator (once `up` ran) and a NETKUBE_HOME for the CLI. */
export class ExampleRun {
  readonly #home: string;
  readonly #slot: number;
  readonly #repo: string;
  #emulator: Emulator | undefined;

  constructor(options: { home: string; slot: number; repo: string }) {
    this.#home = options.home;
    this.#slot = options.slot;
    this.#repo = options.repo;
  }

  /** Runs one README command and returns what it prints. */
  async run(command: string): Promise<string> {
    const argv = words(command);
    const pipe = argv.indexOf('|');
    if (pipe < 0) {
      const { stdout, stderr } = await this.#run(command, argv);
      return `${stderr}${stdout}`;
    }
    // `COMMAND [2>&1] | grep [-E] PATTERN`: the lines of what COMMAND printed that match.
    const left = argv.slice(0, pipe).filter((a) => a !== '2>&1');
    const { stdout, stderr } = await this.#run(command, left);
    return grep(argv.includes('2>&1') ? `${stderr}${stdout}` : stdout, argv.slice(pipe + 1), command);
  }

  async #run(command: string, argv: readonly string[]): Promise<{ stdout: string; stderr: string }> {
    const out = (stdout: string) => ({ stdout, stderr: '' });
    if (argv[0] === 'netkube' && argv[1] === 'up') return out(await this.#up(upArguments(argv.slice(2))));
    if (argv[0] === 'netkube' && argv[1] === 'down') return out(await this.stop());
    if (argv[0] === 'netkube') return out(await this.#netkube(argv.slice(1).map((a) => this.#slotted(a))));
    if (argv[0] === 'curl') return this.#curl(argv.slice(1));
    throw new Error(`The example harness does not run "${command}"`);
  }

  async #up({ dirs, topologyFile }: { dirs: readonly string[]; topologyFile?: string }): Promise<string> {
    const topology = topologyFile
      ? loadTopology({ file: join(this.#repo, topologyFile), slot: this.#slot })
      : loadTopology({ text: defaultTopologyText(), slot: this.#slot });
    const emulator = await Emulator.start({
      name: 'default',
      topology,
      stateDir: join(this.#home, 'default'),
      slot: this.#slot,
      logger: silentLogger(),
      // Seeded, so names, addresses and choices repeat from run to run.
      random: seededRandom(1),
    });
    this.#emulator = emulator;
    const objects: KubeObject[] = [];
    for (const dir of dirs) {
      const abs = join(this.#repo, dir);
      const files = statSync(abs).isDirectory()
        ? readdirSync(abs)
            .filter((x) => /\.ya?ml$/.test(x))
            .sort()
            .map((f) => join(abs, f))
        : [abs];
      for (const f of files)
        for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) {
          const obj = d.toJS() as KubeObject | null;
          if (obj) objects.push(obj);
        }
    }
    emulator.apply(objects);
    await emulator.waitReady({ timeoutMs: 30_000 });
    return '';
  }

  async #netkube(argv: readonly string[]): Promise<string> {
    let out = '';
    const code = await main([...argv], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (out += s) },
      stdin: new PassThrough(),
      env: { NETKUBE_HOME: this.#home, TZ: 'UTC' },
      cwd: this.#repo,
    });
    return code === 0 ? out : `${out}(exit ${code})\n`;
  }

  /** `curl` as the README types it (see packet-cases.examples-curl.ts), in this run's slot. */
  async #curl(argv: readonly string[]): Promise<CurlOutput> {
    return curl(curlArgs(argv.map((a) => this.#slotted(a))));
  }

  /** A README address of slot 0 as this run's slot has it. */
  #slotted(text: string): string {
    return text.replace(/127\.0\.(10|20)\./g, `127.${this.#slot}.$1.`);
  }

  /** Stops the emulator (README `netkube down`, or the test's cleanup). */
  async stop(): Promise<string> {
    await this.#emulator?.stop();
    this.#emulator = undefined;
    return '';
  }
}

/** `netkube up` arguments: `-d`, `--topology FILE` (or `--topology=FILE`) and the manifest paths. */
export function upArguments(args: readonly string[]): { dirs: string[]; topologyFile?: string } {
  const dirs: string[] = [];
  let topologyFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--topology') topologyFile = args[++i];
    else if (a.startsWith('--topology=')) topologyFile = a.slice('--topology='.length);
    else if (!a.startsWith('-')) dirs.push(a);
  }
  return topologyFile === undefined ? { dirs } : { dirs, topologyFile };
}

/**
 * Splits a command line into words as a POSIX shell does for the simple forms
 * READMEs use: single and double quotes, also inside a word
 * (`kubernetes.io/change-cause="agnhost 2.53"` is one word, quotes removed).
 */
export function words(command: string): string[] {
  const out: string[] = [];
  const re = /\s*((?:'[^']*'|"[^"]*"|[^\s'"]+)+)/g;
  for (let m = re.exec(command); m; m = re.exec(command))
    out.push((m[1] ?? '').replace(/'([^']*)'|"([^"]*)"/g, (_q, a?: string, b?: string) => a ?? b ?? ''));
  return out;
}
