/**
 * Parses what kubectl's resource builder accepts on the command line: `TYPE`,
 * `TYPE[,TYPE…] NAME…`, `TYPE/NAME…`, and the `all` category, resolving type
 * names through the API resource table (plural, singular, short name, kind,
 * optionally `.group`-qualified).
 */
import { RESOURCES, type ResourceInfo, resourceForName } from '../api/resources.js';
import { UserError } from '../util/errors.js';

/** One thing to fetch: every object of a type, or the named ones. */
export interface Target {
  readonly info: ResourceInfo;
  /** Empty: the whole collection. */
  readonly names: readonly string[];
}

/** Resolves one resource type argument, as kubectl's RESTMapper does (error text included). */
export function resolveType(arg: string): ResourceInfo[] {
  if (arg.toLowerCase() === 'all') return RESOURCES.filter((r) => r.categories.includes('all'));
  const info = resourceForName(arg);
  if (!info) throw new UserError(`the server doesn't have a resource type "${arg}"`);
  return [info];
}

/**
 * Parses `get`/`describe`/`delete` arguments into targets, in argument order.
 * Throws UserError with kubectl's messages for mixed or empty forms.
 */
export function parseTargets(args: readonly string[]): Target[] {
  if (args.length === 0) {
    throw new UserError(
      "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
    );
  }
  const [first, ...rest] = args as [string, ...string[]];
  if (first.includes('/')) {
    const targets: Target[] = [];
    for (const arg of args) {
      const slash = arg.indexOf('/');
      if (slash < 0) {
        throw new UserError(
          `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`,
        );
      }
      const name = arg.slice(slash + 1);
      if (name === '')
        throw new UserError(`arguments in resource/name form must have a single resource and name`);
      for (const info of resolveType(arg.slice(0, slash))) addName(targets, info, name);
    }
    return targets;
  }
  for (const arg of rest) {
    if (arg.includes('/')) {
      throw new UserError(
        `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`,
      );
    }
  }
  const types = first.split(',').filter((t) => t !== '');
  const infos = types.flatMap(resolveType);
  const seen = new Set<ResourceInfo>();
  return infos.filter((i) => !seen.has(i) && seen.add(i)).map((info) => ({ info, names: rest }));
}

function addName(targets: Target[], info: ResourceInfo, name: string): void {
  const last = targets[targets.length - 1];
  if (last && last.info === info) targets[targets.length - 1] = { info, names: [...last.names, name] };
  else targets.push({ info, names: [name] });
}

/**
 * Parses a single `TYPE/NAME` (or `TYPE NAME` split in two arguments) for the
 * commands that act on exactly one object (`scale`, `rollout`, `set image`).
 */
export function parseSingleTarget(args: readonly string[]): { info: ResourceInfo; name: string } {
  const targets = parseTargets(args);
  const target = targets[0];
  if (!target || targets.length !== 1 || target.names.length !== 1) {
    throw new UserError('exactly one resource (TYPE/NAME or TYPE NAME) is required');
  }
  return { info: target.info, name: target.names[0] as string };
}

/** The named objects a `rollout`/`scale`-style command acts on; every type needs names. */
export function rolloutTargets(args: readonly string[]): Array<{ info: ResourceInfo; name: string }> {
  if (args.length === 0) throw new UserError('required resource not specified');
  const out: Array<{ info: ResourceInfo; name: string }> = [];
  for (const { info, names } of parseTargets(args)) {
    if (names.length === 0) throw new UserError('resource(s) were provided, but no name was specified');
    for (const name of names) out.push({ info, name });
  }
  return out;
}
