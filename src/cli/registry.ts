/**
 * The command registry. Every `netkube` command is a module under
 * `src/cli/commands/` exporting one `CliCommand`; `commands/index.ts` lists
 * them and `main()` registers each on the commander program. A command adds
 * itself (with its flags and subcommands) in `register`, and its actions use
 * the `CliContext` for streams, flags and the API client.
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';

export interface CliCommand {
  /** The top-level command name (`get`, `rollout`, `up`); unique in the registry. */
  readonly name: string;
  /** Adds the command to the program. Actions throw on failure; main turns errors into exit codes. */
  register(program: Command, ctx: CliContext): void;
}
