/**
 * The command registry: every `netkube` command, in help order. To add one,
 * write a module under this folder exporting a `CliCommand` and list it here.
 * `up`, `down` and `status` (the emulator's own lifecycle, owned by the
 * emulator) plug in the same way: `commands/up.ts` exporting `upCommand`, and
 * so on, added to this list.
 */
import type { CliCommand } from '../registry.js';
import { describeCommand } from './describe.js';
import { getCommand } from './get.js';

export const COMMANDS: readonly CliCommand[] = [getCommand, describeCommand];
