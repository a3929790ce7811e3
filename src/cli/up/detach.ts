/**
 * `netkube up -d`: runs the emulator in a detached child process (the same
 * `netkube up`, marked as the child) whose output goes to the state
 * directory's log, and returns once the child reports the cluster ready —
 * forwarding its progress lines and summary — or failed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { raisedLimitCommand, readFdLimits } from '../../emulator/fd-limit.js';
import { stateDir } from '../../emulator/state.js';
import { UserError } from '../../util/errors.js';
import { packagePath } from '../../util/package-root.js';
import type { CliContext } from '../context.js';
import type { UpReporter } from './run.js';

/** Messages the child sends its parent over IPC. */
export type UpMessage =
  /** Emitted on each step while the cluster comes up. */
  | { readonly type: 'progress'; readonly text: string }
  /** Emitted once the cluster is ready; the child keeps running. */
  | { readonly type: 'ready'; readonly summary: string }
  /** Emitted when `up` fails in the child; the child exits after it. */
  | { readonly type: 'failed'; readonly message: string; readonly exitCode: number };

/** The reporter a detached child uses: everything goes to the parent over IPC. */
export function ipcReporter(send: (m: UpMessage) => void): UpReporter {
  return {
    progress: (text) => send({ type: 'progress', text }),
    ready: (summary) => send({ type: 'ready', summary }),
  };
}

function binPath(): string {
  return packagePath('bin', 'netkube.js');
}

function lastLines(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

/**
 * Spawns the child and relays its reports. Resolves when it is ready;
 * rejects with its failure (or a UserError quoting the end of its log when it
 * died without saying why).
 */
export async function runDetached(
  ctx: CliContext,
  argv: readonly string[],
  reporter: UpReporter,
): Promise<void> {
  const dir = stateDir(ctx.emulatorName, ctx.io.env);
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'netkube.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // The emulator needs a descriptor per listener: start it with the soft limit raised to the hard one.
    const limits = readFdLimits();
    const argvFull = [process.execPath, binPath(), ...argv, '--detached-child'];
    const launch =
      limits && limits.soft < limits.hard
        ? raisedLimitCommand(argvFull)
        : { command: argvFull[0] as string, args: argvFull.slice(1) };
    child = spawn(launch.command, launch.args, {
      cwd: ctx.io.cwd,
      env: ctx.io.env,
      detached: true,
      stdio: ['ignore', fd, fd, 'ipc'],
    });
  } finally {
    closeSync(fd);
  }
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (child.connected) child.disconnect();
      child.unref();
      if (err) reject(err);
      else resolve();
    };
    child.on('message', (m: UpMessage) => {
      if (m.type === 'progress') reporter.progress(m.text);
      else if (m.type === 'ready') {
        reporter.ready(m.summary);
        finish();
      } else finish(new UserError(m.message));
    });
    child.once('exit', (code) => {
      const tail = lastLines(logFile, 15);
      finish(
        new UserError(
          `the emulator process exited (code ${code}) before it was ready${tail ? `; the end of ${logFile}:\n${tail}` : ''}`,
        ),
      );
    });
    child.once('error', (err) => finish(err));
  });
}
