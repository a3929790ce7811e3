/**
 * `netkube api-resources`: the resource types netkube serves, in kubectl's
 * table (NAME, SHORTNAMES, APIVERSION, NAMESPACED, KIND), from the same
 * resource table the server's discovery is built from.
 */
import type { Command } from 'commander';
import { apiVersionOf, DISCOVERY_RESOURCES } from '../../api/resources.js';
import type { CliContext } from '../context.js';
import { alignTabs, TABLE_TABWRITER } from '../printers/tabwriter.js';
import type { CliCommand } from '../registry.js';

/** The api-resources table text, sorted as kubectl sorts it (by group, then name). */
export function apiResourcesTable(namespaced?: boolean): string {
  const rows = DISCOVERY_RESOURCES.filter((r) => namespaced === undefined || r.namespaced === namespaced)
    .slice()
    .sort((a, b) => (a.group !== b.group ? (a.group < b.group ? -1 : 1) : a.resource < b.resource ? -1 : 1))
    .map((r) => `${r.resource}\t${r.shortNames.join(',')}\t${apiVersionOf(r)}\t${r.namespaced}\t${r.kind}\n`);
  return alignTabs(`NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n${rows.join('')}`, TABLE_TABWRITER);
}

/** `netkube api-resources`, for the registry in commands/index.ts. */
export const apiResourcesCommand: CliCommand = {
  name: 'api-resources',
  register(program: Command, ctx: CliContext): void {
    program
      .command('api-resources')
      .description('Print the supported API resources')
      .option('--namespaced <bool>', 'only namespaced (true) or cluster-scoped (false) resources')
      .action((opts: { namespaced?: string }) => {
        const filter = opts.namespaced === undefined ? undefined : opts.namespaced === 'true';
        ctx.out(apiResourcesTable(filter));
      });
  },
};
