/**
 * Where a running emulator leaves what its clients need: one directory per
 * emulator name under `$NETKUBE_HOME` (default `~/.netkube`), holding
 * `state.json`, the kubeconfig and the log. Every client command (`netkube get`,
 * `apply`, …) finds its emulator here by name (`--name`, `NETKUBE_NAME`, or
 * `default`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostPort } from '../topology/types.js';

export const DEFAULT_EMULATOR_NAME = 'default';

export interface EmulatorState {
  readonly name: string;
  readonly pid: number;
  /** The address slot the emulator's default addresses came from (see topology/addresses.ts). */
  readonly slot: number;
  /** `http://127.0.10.1:6443` */
  readonly apiUrl: string;
  readonly kubeconfig: string;
  readonly logFile: string;
  readonly dns: HostPort;
  readonly socks: HostPort;
  readonly topologyFile: string | undefined;
  readonly startedAt: string;
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly address: string; readonly role: string }>;
}

/** The root of all emulator state directories. */
export function netkubeHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.NETKUBE_HOME ?? join(homedir(), '.netkube');
}

/** The emulator name a command acts on: the flag, then `NETKUBE_NAME`, then `default`. */
export function emulatorName(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.NETKUBE_NAME ?? DEFAULT_EMULATOR_NAME;
}

export function stateDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(netkubeHome(env), name);
}

export function stateFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(name, env), 'state.json');
}

/** Reads the state of a named emulator; undefined when none was started. */
export function readState(name: string, env: NodeJS.ProcessEnv = process.env): EmulatorState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(name, env), 'utf8')) as EmulatorState;
  } catch {
    return undefined;
  }
}

/** States of every emulator whose process is alive (for slot choice and `netkube status`). */
export function runningEmulators(env: NodeJS.ProcessEnv = process.env): EmulatorState[] {
  let names: string[];
  try {
    names = readdirSync(netkubeHome(env));
  } catch {
    return [];
  }
  return names
    .map((n) => readState(n, env))
    .filter((s): s is EmulatorState => s !== undefined && processAlive(s.pid));
}

/** The lowest address slot no running emulator uses (0 for the first emulator on a machine). */
export function freeSlot(env: NodeJS.ProcessEnv = process.env, max = 200): number {
  const used = new Set(runningEmulators(env).map((s) => s.slot));
  for (let slot = 0; slot <= max; slot++) if (!used.has(slot)) return slot;
  return max;
}

/** True when a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
