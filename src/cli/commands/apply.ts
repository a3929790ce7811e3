/**
 * `netkube apply -f`: loads every input with the manifest loader, sends all
 * objects in one atomic `POST /apis/netkube.dev/v1alpha1/apply`, and prints
 * kubectl's `deployment.apps/web created|configured|unchanged` lines. Any
 * problem (in the files, or rejected by the server) is printed with its
 * file:line and nothing is applied.
 */
import type { Command } from 'commander';
import { StatusError } from '../../api/errors.js';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect } from '../flags.js';
import { formatProblem, loadObjects, ManifestProblems, type SourcedObject } from '../manifests.js';
import { extensionPath } from '../paths.js';
import { nameLine } from '../printers/name.js';
import type { CliCommand } from '../registry.js';

interface ApplyOptions {
  readonly filename?: string[];
  readonly recursive?: boolean;
  readonly dryRun?: string;
}

interface ApplyResponse {
  readonly results: ReadonlyArray<{
    readonly apiVersion: string;
    readonly kind: string;
    readonly namespace?: string;
    readonly name: string;
    readonly action: 'created' | 'configured' | 'unchanged';
  }>;
  readonly warnings?: readonly string[];
}

/**
 * Maps a rejected apply to one line per cause, located by the cause's
 * `objects[<index>].<field>` path; undefined when the Status names no object.
 */
export function applyProblems(err: StatusError, sent: readonly SourcedObject[]): string[] | undefined {
  const causes = err.details?.causes ?? [];
  const lines: string[] = [];
  for (const cause of causes) {
    const m = /^objects\[(\d+)\]\.?(.*)$/.exec(cause.field ?? '');
    const item = m ? sent[Number(m[1])] : undefined;
    if (!m || !item) return undefined;
    const field = m[2] ?? '';
    lines.push(
      formatProblem({
        file: item.source.file,
        line: field ? item.fieldLine(field) : item.source.line,
        object: item.label,
        message: field ? `${field}: ${cause.message}` : cause.message,
      }),
    );
  }
  return lines.length > 0 ? lines : undefined;
}

function checkNamespaces(ctx: CliContext, objects: readonly SourcedObject[]): void {
  if (!ctx.explicitNamespace) return;
  for (const { object, info } of objects) {
    const ns = object.metadata.namespace;
    if (info.namespaced && ns && ns !== ctx.namespace) {
      throw new UserError(
        `the namespace from the provided object "${ns}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${ns}' to perform this operation.`,
      );
    }
  }
}

/** Runs `apply`. */
export async function runApply(ctx: CliContext, opts: ApplyOptions): Promise<void> {
  const files = opts.filename ?? [];
  if (files.length === 0) throw new UserError('must specify one of -f and -k');
  const dryRun = opts.dryRun ?? 'none';
  if (!['none', 'server', 'client'].includes(dryRun)) {
    throw new UserError(`Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
  }
  const objects = await loadObjects(ctx, files, { recursive: opts.recursive });
  checkNamespaces(ctx, objects);
  let res: ApplyResponse;
  try {
    res = await ctx.client().json<ApplyResponse>('POST', extensionPath('/apply'), {
      body: {
        objects: objects.map((o) => o.object),
        sources: objects.map((o) => o.source),
        dryRun: dryRun !== 'none',
        defaultNamespace: ctx.namespace,
      },
    });
  } catch (err) {
    const lines = err instanceof StatusError ? applyProblems(err, objects) : undefined;
    if (lines) throw new ManifestProblems(lines);
    throw err;
  }
  for (const w of res.warnings ?? []) ctx.err(`Warning: ${w}\n`);
  const suffix = dryRun === 'server' ? ' (server dry run)' : dryRun === 'client' ? ' (dry run)' : '';
  for (const r of res.results) {
    ctx.out(nameLine({ apiVersion: r.apiVersion, kind: r.kind, name: r.name }, `${r.action}${suffix}`));
  }
}

/** `netkube apply`, for the registry in commands/index.ts. */
export const applyCommand: CliCommand = {
  name: 'apply',
  register(program: Command, ctx: CliContext): void {
    program
      .command('apply')
      .description('Apply a configuration to resources by file name or stdin: all objects, or none')
      .option('-f, --filename <file>', 'file, directory or - (stdin) to apply (repeatable)', collect)
      .option('-R, --recursive', 'process the directories given with -f recursively')
      .option('--dry-run [strategy]', 'server or client: validate and report without persisting', 'none')
      .action(async (opts: Omit<ApplyOptions, 'dryRun'> & { dryRun?: string | boolean }) => {
        const dryRun = opts.dryRun === true ? 'client' : opts.dryRun === false ? 'none' : opts.dryRun;
        await runApply(ctx, {
          filename: opts.filename ?? [],
          recursive: opts.recursive === true,
          ...(dryRun !== undefined ? { dryRun } : {}),
        });
      });
  },
};
