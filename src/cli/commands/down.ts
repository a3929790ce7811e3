/** `netkube down`: asks the emulator to stop (`POST /shutdown`) and waits for its process to end. */
import type { Command } from 'commander';
import { processAlive, readState } from '../../emulator/state.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { extensionPath } from '../paths.js';
import type { CliCommand } from '../registry.js';

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !processAlive(pid);
}

/** Stops the named emulator; throws a UserError when none runs under that name. */
export async function runDown(ctx: CliContext): Promise<void> {
  const name = ctx.emulatorName;
  const state = readState(name, ctx.io.env);
  if (!state || !processAlive(state.pid)) throw new UserError(`no emulator named "${name}" is running`);
  try {
    await ctx.client().json('POST', extensionPath('/shutdown'));
  } catch {
    // The API may already be gone; fall through to the signal.
  }
  if (!(await waitForExit(state.pid, 15_000))) {
    process.kill(state.pid, 'SIGTERM');
    if (!(await waitForExit(state.pid, 5_000))) process.kill(state.pid, 'SIGKILL');
  }
  ctx.out(`netkube "${name}" stopped\n`);
}

export const downCommand: CliCommand = {
  name: 'down',
  register(program: Command, ctx: CliContext): void {
    program
      .command('down')
      .description('Stop the emulator gracefully')
      .action(async () => runDown(ctx));
  },
};
