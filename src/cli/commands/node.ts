/** `netkube node stop|start NODE`: fault injection through `POST /nodes/:node/stop|start`. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { extensionPath } from '../paths.js';
import type { CliCommand } from '../registry.js';

interface NodeStateResponse {
  readonly node: string;
  readonly state: 'stopped' | 'running';
}

/** Stops or starts a node and prints `node/worker-2 stopped` (or `started`). */
export async function runNodeAction(ctx: CliContext, action: 'stop' | 'start', node: string): Promise<void> {
  const res = await ctx
    .client()
    .json<NodeStateResponse>('POST', extensionPath(`/nodes/${encodeURIComponent(node)}/${action}`));
  ctx.out(`node/${res.node ?? node} ${res.state === 'stopped' ? 'stopped' : 'started'}\n`);
}

/** `netkube node`, for the registry in commands/index.ts. */
export const nodeCommand: CliCommand = {
  name: 'node',
  register(program: Command, ctx: CliContext): void {
    const node = program
      .command('node')
      .description('Fault injection on a node: stop or start its kubelet and dataplane');
    for (const action of ['stop', 'start'] as const) {
      node
        .command(action)
        .description(
          action === 'stop'
            ? 'Stop a node: it goes NotReady and its pods are evicted after the toleration'
            : 'Start a stopped node again',
        )
        .argument('<node>', 'node name')
        .action(async (name: string) => {
          await runNodeAction(ctx, action, name);
        });
    }
  },
};
