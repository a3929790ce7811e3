/**
 * Flag parsers shared by commands, with kubectl's semantics and messages:
 * `--wait=false` style booleans, integers, repeated `-f`, `-l` selectors.
 */
import { InvalidArgumentError } from 'commander';
import { parseSelector, SelectorParseError } from '../api/labels.js';
import { UserError } from '../util/errors.js';

/** A boolean flag that also takes `=true|false` (`--wait=false`), as pflag booleans do. */
export function parseBool(value: string | undefined): boolean {
  if (value === undefined) return true;
  switch (value.toLowerCase()) {
    case '1':
    case 't':
    case 'true':
      return true;
    case '0':
    case 'f':
    case 'false':
      return false;
    default:
      throw new InvalidArgumentError(`strconv.ParseBool: parsing "${value}": invalid syntax`);
  }
}

/** An integer flag value (`--replicas=3`, `--tail=-1`). */
export function parseInteger(value: string): number {
  if (!/^[-+]?\d+$/.test(value.trim())) {
    throw new InvalidArgumentError(`strconv.ParseInt: parsing "${value}": invalid syntax`);
  }
  return Number.parseInt(value, 10);
}

/** Collects a repeatable flag (`-f a -f b`, `-H k:v`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Validates a `-l` selector locally so a typo fails before any request. */
export function checkSelector(selector: string | undefined): string | undefined {
  if (selector === undefined) return undefined;
  try {
    parseSelector(selector);
  } catch (err) {
    if (err instanceof SelectorParseError) throw new UserError(err.message);
    throw err;
  }
  return selector;
}
