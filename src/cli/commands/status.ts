/** `netkube status`: the running emulator's addresses, nodes and pod readiness (`GET /status`). */
import type { Command } from 'commander';
import type { EmulatorStatus } from '../../emulator/routes.js';
import type { CliContext } from '../context.js';
import { extensionPath } from '../paths.js';
import { alignTabs, TABLE_TABWRITER } from '../printers/tabwriter.js';
import type { CliCommand } from '../registry.js';

function table(rows: readonly (readonly string[])[]): string {
  return alignTabs(rows.map((r) => `${r.join('\t')}\n`).join(''), TABLE_TABWRITER);
}

function addr(a: { host: string; port: number } | undefined): string {
  return a ? `${a.host}:${a.port}` : '<none>';
}

/** Prints the status of the named emulator. */
export async function runStatus(ctx: CliContext): Promise<void> {
  const s = await ctx.client().json<EmulatorStatus>('GET', extensionPath('/status'));
  ctx.out(
    table([
      ['NAME', 'VERSION', 'API', 'DNS', 'SOCKS', 'PODS'],
      [s.name, s.version, s.apiUrl, addr(s.dns), addr(s.socks), `${s.pods.ready}/${s.pods.total}`],
    ]),
  );
  ctx.out('\n');
  ctx.out(
    table([
      ['NODE', 'ROLE', 'ADDRESS', 'STATUS'],
      ...s.nodes.map((n) => [
        n.name,
        n.role,
        n.address,
        n.stopped ? 'Stopped' : n.ready ? 'Ready' : 'NotReady',
      ]),
    ]),
  );
}

export const statusCommand: CliCommand = {
  name: 'status',
  register(program: Command, ctx: CliContext): void {
    program
      .command('status')
      .description("Show the emulator's addresses, nodes and pod readiness")
      .action(async () => runStatus(ctx));
  },
};
