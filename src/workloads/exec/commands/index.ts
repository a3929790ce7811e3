/**
 * The safe in-pod command set, by name, filtered by what the image ships
 * (`ToolSet`): `curl` is not found in a busybox image, as in reality.
 */
import type { CommandImpl } from '../context.js';
import type { ProgramAnswer, ToolSet } from '../toolset.js';
import { BASIC_COMMANDS } from './basic.js';
import { curl } from './curl.js';
import { dig, nslookup } from './dns.js';
import { FS_COMMANDS } from './fs.js';
import { ip } from './ip.js';
import { nc } from './nc.js';
import { wget } from './wget.js';

const BIN_DIRS = ['/bin/', '/usr/bin/', '/sbin/', '/usr/sbin/', '/usr/local/bin/', '/usr/local/sbin/'];

/** The command name `name` calls: itself, or the file name of a path in a bin directory. */
export function commandBase(name: string): string {
  const dir = BIN_DIRS.find((d) => name.startsWith(d));
  return dir ? name.slice(dir.length) : name;
}

/** The command called `name` (a bare name or a path in a bin directory), if the image has it. */
export function findCommand(name: string, tools: ToolSet): CommandImpl | undefined {
  const base = commandBase(name);
  if (base.includes('/')) return undefined;
  if (tools.shell === 'none') return undefined;
  switch (base) {
    case 'curl':
      return tools.curl ? curl : undefined;
    case 'wget':
      return tools.wget ? wget : undefined;
    case 'nc':
    case 'netcat':
      return tools.nc ? nc : undefined;
    case 'nslookup':
      return tools.nslookup ? nslookup : undefined;
    case 'dig':
      return tools.dig ? dig : undefined;
    case 'ip':
      return tools.ip ? ip : undefined;
    default:
      return Object.hasOwn(BASIC_COMMANDS, base)
        ? BASIC_COMMANDS[base]
        : Object.hasOwn(FS_COMMANDS, base)
          ? FS_COMMANDS[base]
          : undefined;
  }
}

/** Every command netkube can emulate, sorted (`[` is `test` by its other name, `netcat` is `nc`). */
const COMMAND_NAMES = [
  ...Object.keys(BASIC_COMMANDS),
  ...Object.keys(FS_COMMANDS),
  ...['curl', 'dig', 'ip', 'nc', 'nslookup', 'wget'],
]
  .filter((n) => n !== '[')
  .sort();

/** The commands this image runs in netkube, in order. */
export function emulatedCommands(tools: ToolSet): string[] {
  return COMMAND_NAMES.filter((c) => findCommand(c, tools) !== undefined);
}

/** Whether `name` (exactly as typed: a bare name or a path) is one of the image's own programs. */
export function isImageProgram(name: string, tools: ToolSet): boolean {
  return tools.programs?.includes(name) === true;
}

/** The exact answer of an image program's cheap invocation (`nginx -v`), when netkube knows it. */
export function programAnswer(argv: readonly string[], tools: ToolSet): ProgramAnswer | undefined {
  const name = argv[0];
  if (name === undefined || !isImageProgram(name, tools)) return undefined;
  return tools.answer?.(argv);
}
