/**
 * File-descriptor limits. Every NodePort on every node address is a real
 * listener, so 1,000 nodes × 50 NodePort Services need 50,000 descriptors —
 * more than the usual soft limit. Node.js has no `setrlimit`, so netkube raises
 * the soft limit the way a shell does: the emulator process is (re)started
 * through `sh -c 'ulimit -n <hard>; exec …'`. When even the hard limit is too
 * low, `up` fails before starting, with a message naming the limit and the fix.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface FdLimits {
  readonly soft: number;
  readonly hard: number;
}

/** Descriptors the emulator needs besides listeners (API server, DNS, SOCKS, clients, files). */
export const BASE_FDS = 256;

/** The limits of this process: /proc/self/limits on Linux, `ulimit` elsewhere; undefined when unknown. */
export function readFdLimits(): FdLimits | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const m = line ? /Max open files\s+(\S+)\s+(\S+)/.exec(line) : null;
    if (m) return { soft: toNumber(m[1] as string), hard: toNumber(m[2] as string) };
  } catch {
    // Not Linux: ask the shell.
  }
  try {
    const soft = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    const hard = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    return { soft: toNumber(soft), hard: toNumber(hard) };
  } catch {
    return undefined;
  }
}

function toNumber(text: string): number {
  return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text);
}

/** Listeners a set of manifests asks for: NodePorts × nodes, plus LB/external ports and the ingress addon. */
export function plannedListeners(
  nodes: number,
  objects: ReadonlyArray<{ kind: string; spec?: unknown }>,
  ingress: boolean,
): number {
  let perNode = ingress ? 2 : 0;
  let other = 0;
  for (const o of objects) {
    if (o.kind !== 'Service') continue;
    const spec = (o.spec ?? {}) as { type?: string; ports?: unknown[]; externalIPs?: unknown[] };
    const ports = spec.ports?.length ?? 0;
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') perNode += ports;
    if (spec.type === 'LoadBalancer') other += ports;
    other += ports * (spec.externalIPs?.length ?? 0);
  }
  return nodes * perNode + other;
}

/** The problem with running `listeners` listeners under `limits`, or undefined when they fit. */
export function fdLimitProblem(limits: FdLimits | undefined, listeners: number): string | undefined {
  if (!limits) return undefined;
  const need = listeners + BASE_FDS;
  if (need <= limits.soft) return undefined;
  if (need <= limits.hard) return undefined;
  const fix = Number.isFinite(limits.hard)
    ? `raise it (as root: ulimit -Hn ${roundUp(need)}; then ulimit -n ${roundUp(need)}), or use fewer nodes or NodePort Services`
    : `raise it with ulimit -n ${roundUp(need)}`;
  return `netkube needs about ${need} file descriptors for ${listeners} listeners, but the open-files limit is ${limits.soft} (hard limit ${limits.hard}): ${fix}`;
}

function roundUp(n: number): number {
  return Math.ceil((n * 1.25) / 1024) * 1024;
}

/**
 * A shell command line that raises the soft limit to the hard one and then
 * execs `argv` (the emulator process). Used when the soft limit is below the hard.
 */
export function raisedLimitCommand(argv: readonly string[]): { command: string; args: string[] } {
  return { command: 'sh', args: ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', ...argv] };
}

/** The message for an EMFILE/ENFILE listener failure at run time. */
export function emfileMessage(address: string, limits: FdLimits | undefined): string {
  const limit = limits ? `the open-files limit is ${limits.soft}` : 'the open-files limit is reached';
  return `cannot listen on ${address}: too many open files (${limit}); raise it with \`ulimit -n <more>\` before \`netkube up\`, or use fewer nodes or NodePort Services`;
}
