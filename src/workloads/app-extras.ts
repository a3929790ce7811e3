/**
 * What a simulated container offers its app beyond the `AppContext` seam: the
 * container's fault injector, its virtual filesystem, and the safe in-pod shell
 * (agnhost `/shell`). Kept beside the context in a WeakMap so the public seam in
 * types.ts stays as it is; apps built outside workloads/ simply have no extras.
 */
import type { ExecHost } from './exec/run.js';
import type { VirtualFs } from './exec/vfs.js';
import type { FaultInjector } from './fault-injector.js';
import type { AppContext } from './types.js';

/** Output of one command run in the container (`/bin/sh -c`). */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved in write order (Go's `CombinedOutput`). */
  readonly combined: string;
  readonly exitCode: number;
}

export interface AppExtras {
  /** The fault injector when the pod has a fault plan for this container (undefined otherwise). */
  readonly faults: FaultInjector | undefined;
  /** The container's filesystem, created on first call. */
  fs(): VirtualFs;
  /** The filesystem if something has created it already (apps serving files read defaults otherwise). */
  fsIfCreated(): VirtualFs | undefined;
  /** Runs `/bin/sh -c <command>` with the image's safe tools. */
  shell(command: string): Promise<ExecResult>;
  /** The container as the safe command set sees it (the shell images' own process runs on it). */
  execHost(): ExecHost;
}

/** A context that carries extras (the runtime's contexts do; hand-made ones in tests may not). */
interface WithExtras {
  readonly extras?: AppExtras;
}

/** The extras of a context, when the workloads runtime created it. */
export function extrasOf(ctx: AppContext): AppExtras | undefined {
  return (ctx as AppContext & WithExtras).extras;
}
