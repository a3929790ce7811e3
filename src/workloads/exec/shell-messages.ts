/**
 * Error texts of the shells simulated images have as `/bin/sh`: busybox ash
 * (`sh: foo: not found`), Debian's dash (`sh: 1: foo: not found`) and bash
 * (`sh: line 1: foo: command not found`). `name` is the shell's `$0` as invoked
 * (`sh`, `/bin/sh`). Scripts passed with `-c` are treated as line 1.
 */

import { commandBase, emulatedCommands, isImageProgram } from './commands/index.js';
import type { ShellFlavour, ToolSet } from './toolset.js';
import type { VfsError } from './vfs.js';

export interface ShellMessages {
  notFound(command: string): string;
  /** `command` is in the real image but netkube does not emulate it (`note` from `notEmulatedNote`). */
  notEmulated(command: string, note: string): string;
  syntax(unexpected: string, script: string): string;
  cantCreate(path: string, why: VfsError): string;
  cantOpen(path: string): string;
  cd(path: string): string;
}

function quoteToken(token: string): string {
  return token === 'end of file' ? token : `"${token}"`;
}

/** The message catalogue of `flavour`. */
export function shellMessages(flavour: ShellFlavour, name: string): ShellMessages {
  switch (flavour) {
    case 'dash':
      return {
        notFound: (c) => `${name}: 1: ${c}: not found\n`,
        notEmulated: (c, note) => `${name}: 1: ${c}: ${note}\n`,
        syntax: (u) => `${name}: 1: Syntax error: ${quoteToken(u)} unexpected\n`,
        cantCreate: (p, why) =>
          `${name}: 1: cannot create ${p}: ${why === 'EISDIR' ? 'Is a directory' : 'Directory nonexistent'}\n`,
        cantOpen: (p) => `${name}: 1: cannot open ${p}: No such file\n`,
        cd: (p) => `${name}: 1: cd: can't cd to ${p}\n`,
      };
    case 'bash':
      return {
        notFound: (c) => `${name}: line 1: ${c}: command not found\n`,
        notEmulated: (c, note) => `${name}: line 1: ${c}: ${note}\n`,
        syntax: (u, script) =>
          `${name}: -c: line 1: syntax error near unexpected token \`${u}'\n${name}: -c: line 1: \`${script.split('\n')[0]}'\n`,
        cantCreate: (p, why) =>
          `${name}: line 1: ${p}: ${why === 'EISDIR' ? 'Is a directory' : 'No such file or directory'}\n`,
        cantOpen: (p) => `${name}: line 1: ${p}: No such file or directory\n`,
        cd: (p) => `${name}: line 1: cd: ${p}: No such file or directory\n`,
      };
    case 'ash':
    case 'none':
      return {
        notFound: (c) => `${name}: ${c}: not found\n`,
        notEmulated: (c, note) => `${name}: ${c}: ${note}\n`,
        syntax: (u) => `${name}: syntax error: unexpected ${quoteToken(u)}\n`,
        cantCreate: (p, why) =>
          `${name}: can't create ${p}: ${why === 'EISDIR' ? 'Is a directory' : 'nonexistent directory'}\n`,
        cantOpen: (p) => `${name}: can't open ${p}: no such file\n`,
        cd: (p) => `${name}: cd: can't cd to ${p}: No such file or directory\n`,
      };
  }
}

/**
 * When `name` (a bare name or a path in a bin directory) is a command the real
 * image ships but netkube does not emulate, or one of the image's own programs
 * (`nginx -s reload`, `mysql -uroot`): the explanation to print (it is never
 * run on the host). Undefined otherwise.
 */
export function notEmulatedNote(name: string, tools: ToolSet): string | undefined {
  const base = commandBase(name);
  const shipped = isImageProgram(name, tools) || (tools.shell !== 'none' && tools.unemulated?.includes(base));
  if (!shipped) return undefined;
  const set = emulatedCommands(tools);
  if (set.length === 0)
    return 'not emulated by netkube (the image has it, but netkube runs no command in this image)';
  return `not emulated by netkube (the image has it, but simulated containers run only netkube's safe command set: ${set.join(', ')})`;
}
