/**
 * `netkube up` benchmark (issue 2, "Performance": the default demo, from
 * process start to every pod Ready, under 1 s).
 *
 * Each run spawns the installed command (`node bin/netkube.js up`, the built
 * bundle) with a fresh state directory, times from `spawn` to the line
 * `netkube "…" is ready in …` on its stdout (printed once every node and every
 * pod of the demo is Ready), then stops it with SIGINT and waits for the exit.
 * Beside it: how long a bare `node -e 0` takes to spawn and exit on the same
 * machine, the floor any Node.js command pays.
 *
 * Run: `npm run build && npm run bench -- up [--runs 7] [--slot 240]`
 * (slot 240 keeps the addresses clear of the tests' slots 100–199).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { machine, median } from './lib.js';

interface Options {
  readonly runs: number;
  readonly slot: number;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (flag: string, def: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  return { runs: get('--runs', 7), slot: get('--slot', 240) };
}

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'netkube.js');

/** Milliseconds from spawn to the ready line, and the emulator's own "ready in" figure. */
async function once(slot: number): Promise<{ readyMs: number; reported: number }> {
  const home = mkdtempSync(join(tmpdir(), 'netkube-bench-up-'));
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'up', '--name', 'bench-up'], {
    env: { ...process.env, NETKUBE_HOME: home, NETKUBE_SLOT: String(slot) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    return await new Promise((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /is ready in ([\d.]+)s/.exec(out);
        if (m) resolve({ readyMs: performance.now() - started, reported: Number(m[1]) * 1000 });
      });
      void exited.then((code) =>
        reject(new Error(`netkube up exited (${code}) before ready:\n${out}${err}`)),
      );
    });
  } finally {
    child.kill('SIGINT');
    await exited;
    rmSync(home, { recursive: true, force: true });
  }
}

async function nodeFloor(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - started;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  console.log(`machine: ${machine()}`);
  await once(options.slot); // warm the file cache; not counted
  const ready: number[] = [];
  const reported: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const r = await once(options.slot);
    ready.push(r.readyMs);
    reported.push(r.reported);
    floor.push(await nodeFloor());
    console.log(
      `run ${i + 1}: process start → every pod Ready ${r.readyMs.toFixed(0)} ms (up reports ${r.reported.toFixed(0)} ms)`,
    );
  }
  console.log(
    [
      '',
      `median of ${options.runs}: process start → every pod Ready ${median(ready).toFixed(0)} ms (target < 1000 ms)`,
      `  up's own figure (topology loaded → ready): ${median(reported).toFixed(0)} ms`,
      `  \`node -e 0\` spawn-to-exit on this machine: ${median(floor).toFixed(0)} ms`,
      `machine after: ${machine()}`,
    ].join('\n'),
  );
}

await main();
