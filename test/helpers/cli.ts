/**
 * Runs the real `netkube` binary (bin/netkube.js → dist/, built by `npm test`
 * before vitest runs) with an isolated state directory and address slot.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO, 'bin', 'netkube.js');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliSandbox {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  run(args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Removes the state directory (call after `down`). */
  cleanup(): void;
}

/** A NETKUBE_HOME of its own and a fixed emulator name and slot. */
export function cliSandbox(options: { name: string; slot: number }): CliSandbox {
  const home = mkdtempSync(join(tmpdir(), 'netkube-e2e-'));
  const env = {
    ...process.env,
    NETKUBE_HOME: home,
    NETKUBE_NAME: options.name,
    NETKUBE_SLOT: String(options.slot),
    NO_COLOR: '1',
  };
  return {
    home,
    env,
    run(args, runOptions = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], {
          cwd: REPO,
          env,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), runOptions.timeoutMs ?? 60_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout, stderr });
        });
        child.stdin.end(runOptions.input ?? '');
      });
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Retries `check` until it returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for ${options.what ?? 'a condition'}; last: ${last instanceof Error ? last.message : String(last)}`,
      );
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}
