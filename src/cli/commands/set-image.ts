/**
 * `netkube set image TYPE/NAME CONTAINER=IMAGE…`: kubectl's set image. The
 * strategic merge patch is the one kubectl computes (`$setElementOrder` plus
 * the changed containers); an unchanged image sends nothing and prints
 * nothing, as kubectl does.
 */
import type { Command } from 'commander';
import type { ResourceInfo } from '../../api/resources.js';
import type { Container, KubeObject, PodSpec } from '../../api/types.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { AggregateCliError } from '../errors.js';
import { objectPath } from '../paths.js';
import { groupKindOfResource } from '../printers/name.js';
import type { CliCommand } from '../registry.js';
import { parseTargets } from '../targets.js';

type ImagePatch = Record<string, unknown>;

/** Where the pod spec sits in an object of this kind (`spec` for pods, `spec.template.spec` for workloads). */
export function podSpecPath(kind: string): readonly string[] | undefined {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'Deployment' || kind === 'ReplicaSet') return ['spec', 'template', 'spec'];
  return undefined;
}

function wrap(path: readonly string[], value: ImagePatch): ImagePatch {
  return path.reduceRight<ImagePatch>((inner, key) => ({ [key]: inner }), value);
}

/**
 * The SMP `set image` sends for a pod spec, or `{}` when nothing changes.
 * `missing` collects container names that match no container.
 */
export function imagePatch(
  spec: PodSpec | undefined,
  images: ReadonlyMap<string, string>,
  missing: string[],
): ImagePatch {
  const patch: ImagePatch = {};
  for (const list of ['containers', 'initContainers'] as const) {
    const containers: readonly Container[] = spec?.[list] ?? [];
    const changed = containers
      .map((c) => ({ c, image: images.get(c.name) ?? images.get('*') }))
      .filter(({ c, image }) => image !== undefined && image !== c.image)
      .map(({ c, image }) => ({ image, name: c.name }));
    if (changed.length === 0) continue;
    patch[`$setElementOrder/${list}`] = containers.map((c) => ({ name: c.name }));
    patch[list] = changed;
  }
  for (const name of images.keys()) {
    if (name === '*') continue;
    const found = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].some((c) => c.name === name);
    if (!found) missing.push(name);
  }
  return patch;
}

function specAt(obj: KubeObject, path: readonly string[]): PodSpec | undefined {
  let cur: unknown = obj;
  for (const key of path) cur = (cur as Record<string, unknown> | undefined)?.[key];
  return cur as PodSpec | undefined;
}

/** Runs `set image`. */
export async function runSetImage(ctx: CliContext, args: readonly string[]): Promise<void> {
  const resourceArgs = args.filter((a) => !a.includes('='));
  const pairs = args.filter((a) => a.includes('='));
  if (resourceArgs.length === 0) {
    throw new UserError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  }
  if (pairs.length === 0) throw new UserError('at least one image update is required');
  const images = new Map(
    pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const),
  );
  if (images.size > 1 && images.has('*')) {
    throw new UserError(
      'all containers are already specified by *, but saw more than one container_name=container_image pairs',
    );
  }
  const client = ctx.client();
  const errors: unknown[] = [];
  const objects: Array<{ info: ResourceInfo; name: string }> = [];
  for (const { info, names } of parseTargets(resourceArgs)) {
    if (names.length === 0) throw new UserError('resource(s) were provided, but no name was specified');
    for (const name of names) objects.push({ info, name });
  }
  for (const { info, name } of objects) {
    const path = podSpecPath(info.kind);
    if (!path) {
      errors.push(
        new UserError(
          `error: ${info.kind.toLowerCase()}/${name} the object is not a pod or does not have a pod template: ${info.kind}`,
        ),
      );
      continue;
    }
    const obj = await client.json<KubeObject>('GET', objectPath(info, ctx.namespace, name));
    const missing: string[] = [];
    const patch = imagePatch(specAt(obj, path), images, missing);
    for (const m of missing) errors.push(new UserError(`error: unable to find container named "${m}"`));
    if (Object.keys(patch).length === 0) continue;
    try {
      await client.patch(objectPath(info, ctx.namespace, name), 'strategic', wrap(path, patch), {
        fieldManager: 'kubectl-set',
      });
      ctx.out(`${groupKindOfResource(info)}/${name} image updated\n`);
    } catch (err) {
      errors.push(
        new UserError(
          `failed to patch image update to pod template: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    }
  }
  if (errors.length > 0) throw new AggregateCliError(errors);
}

/** `netkube set`, for the registry in commands/index.ts. */
export const setCommand: CliCommand = {
  name: 'set',
  register(program: Command, ctx: CliContext): void {
    const set = program.command('set').description('Set specific features on objects');
    set
      .command('image')
      .description('Update the image of a pod template: CONTAINER=IMAGE (or *=IMAGE for every container)')
      .argument('<args...>', 'TYPE/NAME (or TYPE NAME) followed by CONTAINER=IMAGE pairs')
      .action(async (args: string[]) => {
        await runSetImage(ctx, args);
      });
  },
};
