/**
 * `netkube create secret tls-selfsigned NAME --host H…`: a `kubernetes.io/tls`
 * Secret with a fresh self-signed certificate for the hosts, for trying TLS
 * Ingresses (`POST …/namespaces/NS/secrets/tls-selfsigned`). kubectl's own
 * `create secret tls` needs a certificate and key; this makes both. Prints
 * `secret/NAME created`, as kubectl create does.
 */
import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { extensionPath } from '../paths.js';
import type { CliCommand } from '../registry.js';

/** Runs `create secret tls-selfsigned`. */
export async function runCreateSelfSigned(
  ctx: CliContext,
  name: string,
  hosts: readonly string[],
): Promise<void> {
  if (hosts.length === 0) throw new UserError('at least one --host is required');
  const secret = await ctx
    .client()
    .json<{ metadata?: { name?: string } }>(
      'POST',
      extensionPath(`/namespaces/${encodeURIComponent(ctx.namespace)}/secrets/tls-selfsigned`),
      { body: { name, hosts } },
    );
  ctx.out(`secret/${secret.metadata?.name ?? name} created\n`);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `netkube create`, for the registry in commands/index.ts. */
export const createCommand: CliCommand = {
  name: 'create',
  register(program: Command, ctx: CliContext): void {
    const create = program.command('create').description('Create a resource netkube makes for you');
    const secret = create.command('secret').description('Create a Secret');
    secret
      .command('tls-selfsigned')
      .description('Create a kubernetes.io/tls Secret with a new self-signed certificate for the hosts')
      .argument('<name>', 'the Secret name')
      .option('--host <host>', 'a host the certificate covers (repeatable; *.example.com allowed)', collect)
      .action(async (name: string, opts: { host?: string[] }) => {
        await runCreateSelfSigned(ctx, name, opts.host ?? []);
      });
  },
};
