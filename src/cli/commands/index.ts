/**
 * The command registry: every `netkube` command, in help order. To add one,
 * write a module under this folder exporting a `CliCommand` and list it here.
 *
 * `up`, `down` and `status` (the emulator's own lifecycle, owned by the
 * emulator) plug in the same way: `commands/up.ts` exporting `upCommand`
 * (likewise `downCommand`, `statusCommand`), imported here and placed first in
 * the list. They are the only commands that need no running emulator: they
 * simply never call `ctx.client()`.
 */
import type { CliCommand } from '../registry.js';
import { apiResourcesCommand } from './api-resources.js';
import { applyCommand } from './apply.js';
import { createCommand } from './create.js';
import { curlCommand } from './curl.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { downCommand } from './down.js';
import { execCommand } from './exec.js';
import { flowsCommand } from './flows.js';
import { getCommand } from './get.js';
import { conntrackCommand, ipamCommand, routesCommand, rulesCommand } from './inspect.js';
import { annotateCommand, labelCommand } from './label.js';
import { logsCommand } from './logs.js';
import { nodeCommand } from './node.js';
import { podCommand } from './pod.js';
import { portForwardCommand } from './port-forward.js';
import { rolloutCommand } from './rollout.js';
import { scaleCommand } from './scale.js';
import { setCommand } from './set-image.js';
import { statusCommand } from './status.js';
import { traceCommand } from './trace.js';
import { upCommand } from './up.js';
import { waitCommand } from './wait.js';

export const COMMANDS: readonly CliCommand[] = [
  upCommand,
  downCommand,
  statusCommand,
  applyCommand,
  createCommand,
  getCommand,
  describeCommand,
  deleteCommand,
  scaleCommand,
  setCommand,
  labelCommand,
  annotateCommand,
  rolloutCommand,
  waitCommand,
  logsCommand,
  execCommand,
  portForwardCommand,
  curlCommand,
  traceCommand,
  flowsCommand,
  nodeCommand,
  podCommand,
  ipamCommand,
  routesCommand,
  rulesCommand,
  conntrackCommand,
  apiResourcesCommand,
];
