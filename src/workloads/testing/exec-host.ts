/**
 * An `ExecHost` for command tests: pod `web-0` in namespace `demo` at
 * 10.244.1.5 with kubelet-managed /etc files, a `FakeClock` and the given tools.
 */
import { FakeClock } from '../../util/clock.js';
import { hostsFile, resolvConf } from '../exec/context.js';
import type { ExecHost } from '../exec/run.js';
import { BUSYBOX_TOOLS, type ToolSet } from '../exec/toolset.js';
import { VirtualFs } from '../exec/vfs.js';
import type { PodNetwork } from '../types.js';
import { UNREACHABLE_NETWORK } from './fake-context.js';

const POD = { name: 'web-0', namespace: 'demo', ip: '10.244.1.5', hostname: 'web-0', nodeName: 'worker-1' };
const DNS = { nameserver: '10.96.0.10', clusterDomain: 'cluster.local' };

/** Builds the host; `network` defaults to one that refuses everything. */
export function execHost(
  tools: ToolSet = BUSYBOX_TOOLS,
  network: PodNetwork = UNREACHABLE_NETWORK,
): ExecHost {
  const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5));
  const fs = new VirtualFs(clock, {
    '/etc/hosts': { content: hostsFile(POD), mtimeMs: clock.now() },
    '/etc/resolv.conf': { content: resolvConf(POD, DNS), mtimeMs: clock.now() },
    '/etc/hostname': { content: 'web-0\n', mtimeMs: clock.now() },
  });
  return { pod: POD, tools, fs, clock, network, dns: DNS, ipFormatter: undefined, startedAt: clock.now() };
}
