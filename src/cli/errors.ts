/**
 * How a failed command reports itself, as kubectl's `cmdutil.CheckErr` does:
 * `Error from server (NotFound): pods "x" not found` for API errors,
 * `The Deployment "web" is invalid: …` for Invalid with causes, `error: …` for
 * everything else; and the exit code (1 user error, 2 usage error).
 */
import { StatusError } from '../api/errors.js';
import { NetkubeError, UsageError } from '../util/errors.js';
import { ConnectionRefusedError } from './client.js';

/** Several independent failures of one command (`get pod a b`), printed one per line. */
export class AggregateCliError extends NetkubeError {
  readonly errors: readonly unknown[];

  constructor(errors: readonly unknown[]) {
    super('ERR_AGGREGATE', errors.map((e) => (e instanceof Error ? e.message : String(e))).join(', '));
    this.errors = errors;
  }
}

/** Thrown after a command printed its own failure text: exit 1, nothing more printed. */
export class SilentExit extends NetkubeError {
  readonly exitCode: number;

  constructor(exitCode = 1) {
    super('ERR_SILENT_EXIT', 'exit');
    this.exitCode = exitCode;
  }
}

/** kubectl's `StandardErrorMessage` for one error, or undefined when it has no special form. */
function standardMessage(err: unknown): string | undefined {
  if (err instanceof StatusError) {
    return err.reason
      ? `Error from server (${err.reason}): ${err.message}`
      : `Error from server: ${err.message}`;
  }
  if (err instanceof ConnectionRefusedError) return err.message;
  return undefined;
}

function invalidMessage(err: StatusError): string {
  const details = err.details;
  let s = 'The request is invalid';
  if (!details) return err.message ? `${s}: ${err.message}` : s;
  if (details.kind || details.name) s = `The ${details.kind ?? ''} "${details.name ?? ''}" is invalid`;
  else if (err.message && !details.causes?.length) s += `: ${err.message}`;
  const causes = [...new Set((details.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message}`))];
  if (causes.length === 0) return s;
  if (causes.length === 1) return `${s}: ${causes[0]}`;
  return `${s}: \n${causes.map((c) => `* ${c}`).join('\n')}`;
}

/** The text printed on stderr for a command's failure (without the final newline). */
export function formatError(err: unknown): string {
  if (err instanceof AggregateCliError) {
    if (err.errors.length === 1) return formatError(err.errors[0]);
    return err.errors
      .map((e) => standardMessage(e) ?? (e instanceof Error ? e.message : String(e)))
      .join('\n');
  }
  if (err instanceof StatusError && err.reason === 'Invalid') return invalidMessage(err);
  const standard = standardMessage(err);
  if (standard) return standard;
  const msg = err instanceof Error ? err.message : String(err);
  return msg.startsWith('error: ') ? msg : `error: ${msg}`;
}

/** Exit code for a failure: 2 for usage errors, the requested code for SilentExit, else 1. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof SilentExit) return err.exitCode;
  if (err instanceof UsageError) return 2;
  return 1;
}
