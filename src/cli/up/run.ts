/**
 * `netkube up` in the process that runs the emulator: check the name is free,
 * load the topology and the manifests (nothing starts when either is wrong),
 * start the emulator, apply the manifests atomically, wait until the cluster is
 * ready, print the summary, then serve until Ctrl-C, SIGTERM or `netkube down`.
 */
import { join, resolve } from 'node:path';
import { StatusError } from '../../api/errors.js';
import type { KubeObject, Service } from '../../api/types.js';
import { setEmulatedRoutableRanges } from '../../api/validation/ip.js';
import { Emulator } from '../../emulator/emulator.js';
import { fdLimitProblem, plannedListeners, readFdLimits } from '../../emulator/fd-limit.js';
import type { Readiness } from '../../emulator/readiness.js';
import { freeSlot, processAlive, readState, stateDir } from '../../emulator/state.js';
import { createLogger, type Logger } from '../../log/index.js';
import { defaultTopologyText, loadTopology, TopologyError } from '../../topology/index.js';
import type { Topology } from '../../topology/types.js';
import { UserError } from '../../util/errors.js';
import { applyProblems } from '../commands/apply.js';
import type { CliContext } from '../context.js';
import { loadObjects, ManifestProblems, type SourcedObject } from '../manifests.js';
import { demoManifestPath } from './assets.js';
import { servedServices, summaryText } from './summary.js';

export interface UpOptions {
  readonly topology?: string;
  /** Manifests (files, directories, `-`); none means the demo app. */
  readonly paths: readonly string[];
  /** Read the given directories' subdirectories too (`-R`). */
  readonly recursive?: boolean;
  readonly timeoutMs: number;
}

/** Progress and results of an `up`, to the terminal or to the parent over IPC. */
export interface UpReporter {
  progress(text: string): void;
  ready(summary: string): void;
}

/** Throws a UserError when an emulator of this name already runs. */
export function ensureNameFree(ctx: CliContext): void {
  const name = ctx.emulatorName;
  const state = readState(name, ctx.io.env);
  if (state && processAlive(state.pid)) {
    const flag = name === 'default' ? '' : ` --name ${name}`;
    throw new UserError(
      `an emulator named "${name}" is already running (pid ${state.pid}, API ${state.apiUrl}): stop it with \`netkube down${flag}\`, or start another with --name`,
    );
  }
}

/** Loads the topology, as a UserError naming the field when it is wrong. */
export function loadUpTopology(ctx: CliContext, file: string | undefined, slot: number): Topology {
  try {
    return file
      ? loadTopology({ file: resolve(ctx.io.cwd, file), slot })
      : loadTopology({ text: defaultTopologyText(), slot });
  } catch (err) {
    if (err instanceof TopologyError) throw new UserError(err.message);
    throw err;
  }
}

/** Loads the manifests, or the demo when none were given. */
export async function loadUpManifests(
  ctx: CliContext,
  paths: readonly string[],
  recursive = false,
): Promise<SourcedObject[]> {
  return loadObjects(ctx, paths.length ? paths : [demoManifestPath()], { recursive });
}

/** Fails before anything starts when the listeners the manifests ask for cannot fit the open-files limit. */
function checkFdLimit(topology: Topology, objects: ReadonlyArray<{ kind: string; spec?: unknown }>): void {
  const ingress = topology.ingress.enabled && objects.some((o) => o.kind === 'Ingress');
  const problem = fdLimitProblem(readFdLimits(), plannedListeners(topology.nodes.length, objects, ingress));
  if (problem) throw new UserError(problem);
}

/**
 * The address slot: `NETKUBE_SLOT` when set (tests and scripts that must not
 * collide), else the lowest slot no running emulator uses.
 */
function chooseSlot(env: NodeJS.ProcessEnv): number {
  const forced = env.NETKUBE_SLOT;
  if (forced === undefined || forced === '') return freeSlot(env);
  const slot = Number(forced);
  if (!Number.isInteger(slot) || slot < 0 || slot > 255)
    throw new UserError(`NETKUBE_SLOT must be a whole number from 0 to 255, got ${JSON.stringify(forced)}`);
  return slot;
}

function listenError(err: unknown): UserError | undefined {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.code === 'EADDRINUSE')
    return new UserError(
      `cannot listen on ${e.address}:${e.port}: the address is in use (another emulator, or another program): stop it, or pick other addresses in the topology`,
    );
  if (e.code === 'EADDRNOTAVAIL') {
    return new UserError(
      `cannot listen on ${e.address}: the address is not configured on this machine. On macOS only 127.0.0.1 exists on lo0 until you add aliases: sudo ifconfig lo0 alias ${e.address} up`,
    );
  }
  if (e.code === 'EACCES')
    return new UserError(
      `cannot listen on ${e.address}:${e.port}: permission denied (ports below 1024 need privileges)`,
    );
  return undefined;
}

/** Runs the emulator in this process until it is asked to stop. */
export async function runUp(
  ctx: CliContext,
  options: UpOptions,
  reporter: UpReporter,
  logger?: Logger,
): Promise<void> {
  const started = performance.now();
  ensureNameFree(ctx);
  const name = ctx.emulatorName;
  const slot = chooseSlot(ctx.io.env);
  const topology = loadUpTopology(ctx, options.topology, slot);
  // The manifests' loopback externalIPs and endpoints are checked against this cluster's ranges.
  setEmulatedRoutableRanges([topology.networking.nodeSubnet, topology.networking.loadBalancerPool]);
  const objects = await loadUpManifests(ctx, options.paths, options.recursive === true);
  checkFdLimit(
    topology,
    objects.map((o) => o.object),
  );
  const dir = stateDir(name, ctx.io.env);
  const log =
    logger ?? createLogger({ level: ctx.globals.logLevel ?? 'warn', pretty: process.stderr.isTTY === true });
  reporter.progress(`Starting cluster "${name}": ${topology.nodes.map((n) => n.name).join(', ')}`);
  let emulator: Emulator;
  try {
    emulator = await Emulator.start({
      name,
      topology,
      stateDir: dir,
      logFile: join(dir, 'netkube.log'),
      slot,
      logger: log,
    });
  } catch (err) {
    throw listenError(err) ?? err;
  }
  try {
    reporter.progress(`API server listening on ${emulator.apiUrl}`);
    try {
      emulator.apply(
        objects.map((o) => o.object),
        objects.map((o) => o.source),
      );
    } catch (err) {
      const lines = err instanceof StatusError ? applyProblems(err, objects) : undefined;
      throw lines ? new ManifestProblems(lines) : err;
    }
    reporter.progress(`Applied ${objects.length} object${objects.length === 1 ? '' : 's'}`);
    const readiness = await emulator.waitReady({
      timeoutMs: options.timeoutMs,
      onProgress: (r) => reporter.progress(progressLine(r)),
    });
    const services = emulator.cluster.store.list<Service & KubeObject>('services');
    reporter.ready(
      summaryText({
        status: emulator.status(),
        services,
        served: servedServices(emulator.cluster.store, services),
        readiness,
        kubeconfig: join(dir, 'kubeconfig'),
        elapsedMs: performance.now() - started,
      }),
    );
  } catch (err) {
    await emulator.stop();
    throw err;
  }
  await waitForStop(ctx, emulator);
}

function progressLine(r: Readiness): string {
  return `Waiting for pods: ${r.pods.ready}/${r.pods.total} ready, nodes ${r.nodes.ready}/${r.nodes.total}`;
}

/** Serves until SIGINT, SIGTERM, `netkube down` or the CLI's abort signal, then stops gracefully. */
async function waitForStop(ctx: CliContext, emulator: Emulator): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    if (ctx.signal.aborted) return done();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    ctx.signal.addEventListener('abort', done, { once: true });
    emulator.shutdownRequested.then(done, done);
  });
  await emulator.stop();
}
