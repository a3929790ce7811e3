/**
 * The emulator's views of its own dataplane, printed as the server renders
 * them: `ipam show` (calicoctl's text), `routes NODE` (`ip route`), `rules
 * --node NODE` (iptables-save, nftables or ipvsadm text), `conntrack --node
 * NODE` (conntrack -L, or JSON with `-o json`).
 */
import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { extensionPath } from '../paths.js';
import { toJson } from '../printers/json.js';
import type { CliCommand } from '../registry.js';

function nodePath(node: string, what: string): string {
  return extensionPath(`/nodes/${encodeURIComponent(node)}/${what}`);
}

function printText(ctx: CliContext, text: string): void {
  ctx.out(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

/** `ipam show [--show-blocks] [--show-borrowed]`. */
export async function runIpamShow(ctx: CliContext, opts: { showBlocks?: boolean; showBorrowed?: boolean }) {
  const query = {
    showBlocks: opts.showBlocks ? '1' : undefined,
    showBorrowed: opts.showBorrowed ? '1' : undefined,
  };
  printText(ctx, await ctx.client().text('GET', extensionPath('/ipam'), { query, accept: 'text/plain' }));
}

/** `routes NODE`. */
export async function runRoutes(ctx: CliContext, node: string) {
  printText(ctx, await ctx.client().text('GET', nodePath(node, 'routes'), { accept: 'text/plain' }));
}

const MODES = ['iptables', 'nftables', 'ipvs'];
const FORMATS = ['restore', 'save'];

/**
 * `rules --node NODE [--mode M] [--format restore|save]`. `--format` chooses between
 * iptables' two views, so with `--mode nftables|ipvs` it is an error, as kubectl refuses
 * a flag that does not apply; without `--mode` the server checks it against the
 * cluster's mode.
 */
export async function runRules(ctx: CliContext, opts: { node?: string; mode?: string; format?: string }) {
  if (!opts.node) throw new UserError('required flag(s) "node" not set');
  if (opts.mode && !MODES.includes(opts.mode)) {
    throw new UserError(
      `invalid argument "${opts.mode}" for "--mode" flag: must be one of ${MODES.join(', ')}`,
    );
  }
  if (opts.format !== undefined && !FORMATS.includes(opts.format)) {
    throw new UserError(
      `invalid argument "${opts.format}" for "--format" flag: must be one of ${FORMATS.join(', ')}`,
    );
  }
  if (opts.format !== undefined && opts.mode && opts.mode !== 'iptables') {
    throw new UserError(`--format applies only to --mode iptables: the ${opts.mode} view has one format`);
  }
  const query = { mode: opts.mode, format: opts.format };
  printText(
    ctx,
    await ctx.client().text('GET', nodePath(opts.node, 'rules'), { query, accept: 'text/plain' }),
  );
}

/** conntrack-tools' closing line, which `conntrack -L` prints on stderr (src/conntrack.c). */
const CONNTRACK_SUMMARY =
  /(^|\n)(conntrack v\S+ \(conntrack-tools\): \d+ flow entries have been shown\.)\n?$/;

/**
 * `conntrack --node NODE [-o json]`. The entries go to stdout and the
 * "N flow entries have been shown." line to stderr, as conntrack -L prints them,
 * so `netkube conntrack --node N 2>/dev/null | grep …` sees entries only.
 */
export async function runConntrack(ctx: CliContext, opts: { node?: string; output?: string }) {
  if (!opts.node) throw new UserError('required flag(s) "node" not set');
  if (opts.output && opts.output !== 'json') {
    throw new UserError(
      `unable to match a printer suitable for the output format "${opts.output}", allowed formats are: json`,
    );
  }
  const path = nodePath(opts.node, 'conntrack');
  if (opts.output === 'json') {
    ctx.out(toJson(await ctx.client().json('GET', path, { query: { o: 'json' } })));
    return;
  }
  const text = await ctx.client().text('GET', path, { accept: 'text/plain' });
  const summary = CONNTRACK_SUMMARY.exec(text);
  if (!summary) {
    printText(ctx, text);
    return;
  }
  ctx.out(text.slice(0, summary.index + (summary[1] ?? '').length));
  ctx.err(`${summary[2]}\n`);
}

/** `netkube ipam`, for the registry in commands/index.ts. */
export const ipamCommand: CliCommand = {
  name: 'ipam',
  register(program: Command, ctx: CliContext): void {
    program
      .command('ipam')
      .description('Calico-like IPAM state')
      .command('show')
      .description('IP pool usage, as calicoctl ipam show prints it')
      .option('--show-blocks', 'show one line per allocation block')
      .option('--show-borrowed', "show addresses borrowed from other nodes' blocks")
      .action(async (opts: { showBlocks?: boolean; showBorrowed?: boolean }) => {
        await runIpamShow(ctx, opts);
      });
  },
};

/** `netkube routes`, for the registry in commands/index.ts. */
export const routesCommand: CliCommand = {
  name: 'routes',
  register(program: Command, ctx: CliContext): void {
    program
      .command('routes')
      .description("A node's routing table (ip route), as the CNI programs it")
      .argument('<node>', 'node name')
      .action(async (node: string) => {
        await runRoutes(ctx, node);
      });
  },
};

/** `netkube rules`, for the registry in commands/index.ts. */
export const rulesCommand: CliCommand = {
  name: 'rules',
  register(program: Command, ctx: CliContext): void {
    program
      .command('rules')
      .description("A node's kube-proxy rules: iptables-save, nftables or ipvsadm text")
      .option('--node <node>', 'the node whose rules to print')
      .option('--mode <mode>', 'iptables, nftables or ipvs (default: the topology proxyMode)')
      .option('--format <format>', 'restore or save')
      .action(async (opts: { node?: string; mode?: string; format?: string }) => {
        await runRules(ctx, opts);
      });
  },
};

/** `netkube conntrack`, for the registry in commands/index.ts. */
export const conntrackCommand: CliCommand = {
  name: 'conntrack',
  register(program: Command, ctx: CliContext): void {
    program
      .command('conntrack')
      .description("A node's connection tracking table (conntrack -L)")
      .option('--node <node>', 'the node whose table to print')
      .option('-o, --output <format>', 'json')
      .action(async (opts: { node?: string; output?: string }) => {
        await runConntrack(ctx, opts);
      });
  },
};
