/**
 * How agnhost's cobra subcommands read their flags under component-base
 * `cli.Run`: a parse error is `Error: <pflag message>` and exit 1, `--help`
 * prints the command's help and exits 0, positional arguments are refused
 * (`cobra.MaximumNArgs(0)`).
 */
import { type PflagDef, parsePflags, pflagUsages } from '../go/pflag.js';
import type { AppStartFailure } from '../types.js';
import { startFailure } from './base.js';

/** A subcommand's flags, parsed as cobra does; a failure is `cli.Run`'s `Error:` line and exit 1. */
export function parseSubcommand(
  name: string,
  long: string,
  flags: readonly PflagDef[],
  argv: readonly string[],
): { values: Readonly<Record<string, string | number | boolean>> } | AppStartFailure {
  const parsed = parsePflags(flags, argv);
  if (!parsed.ok) return startFailure(1, `Error: ${parsed.error}`);
  if (parsed.help) {
    const usage = `${long}\n\nUsage:\n  app ${name} [flags]\n\nFlags:\n${pflagUsages([...flags, { name: 'help', shorthand: 'h', kind: 'bool', usage: `help for ${name}`, defaultValue: 'false' }])}`;
    return startFailure(0, usage);
  }
  if (parsed.args.length > 0)
    return startFailure(1, `Error: accepts at most 0 arg(s), received ${parsed.args.length}`);
  return { values: parsed.values };
}
