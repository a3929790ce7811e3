/**
 * End-to-end support for the CLI tests (test/e2e/cli-*.test.ts): the real
 * ApiServer on 127.0.0.1 port 0 over a fresh store (no controllers: tests
 * seed objects through the Registry), a NETKUBE_HOME whose `default`
 * emulator state points at it, `netkube(...)` running `main()` in-process,
 * and `kubectl(...)` running the real kubectl v1.32 against the same server
 * when it is installed, so outputs can be compared byte for byte.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { KubeObject } from '../../src/api/types.js';
import type { CliIO } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import type { ManifestLoader } from '../../src/cli/manifests.js';
import { silentLogger } from '../../src/log/index.js';
import {
  ApiServer,
  type ExtensionRoute,
  NO_POD_LOGS,
  type PodLogs,
  writeKubeconfig,
} from '../../src/server/index.js';
import { ObjectStore } from '../../src/store/object-store.js';
import { Registry } from '../../src/store/registry.js';
import { type Clock, FakeClock, realClock } from '../../src/util/clock.js';
import { seededRandom } from '../../src/util/random.js';

/** kubectl 1.32 when installed (the bundled Cloud SDK one first), else undefined. */
export const KUBECTL: string | undefined = (() => {
  if (existsSync('/usr/lib/google-cloud-sdk/bin/kubectl.1.32'))
    return '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return probe.status === 0 && /v1\.32/.test(probe.stdout) ? 'kubectl' : undefined;
})();

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliHarness {
  readonly store: ObjectStore;
  readonly registry: Registry;
  readonly url: string;
  readonly home: string;
  /** Runs `netkube ARGV` in-process against the server. */
  netkube(
    argv: readonly string[],
    options?: { signal?: AbortSignal; stdin?: string; onStdout?: (s: string) => void },
  ): Promise<RunResult>;
  /** Runs the real kubectl against the same server; undefined when kubectl is not installed. */
  kubectl(argv: readonly string[]): Promise<RunResult> | undefined;
  /** Starts kubectl (for `get -w`); undefined when kubectl is not installed. Killed by close(). */
  spawnKubectl(argv: readonly string[]): ChildProcess | undefined;
  /** Runs `node bin/netkube.js ARGV` as a separate process (needs `npm run build`). */
  spawnNetkube(argv: readonly string[]): Promise<RunResult>;
  /** Creates an object, then its status, as controllers would (through the Registry). */
  seed<T extends KubeObject>(obj: T): T;
  close(): Promise<void>;
}

export interface CliHarnessOptions {
  readonly clock?: Clock;
  readonly extensions?: readonly ExtensionRoute[];
  readonly podLogs?: PodLogs;
  readonly manifestLoader?: ManifestLoader;
}

/** Starts the server and writes the emulator state the CLI reads. Close it in afterAll/afterEach. */
export async function startCliHarness(options: CliHarnessOptions = {}): Promise<CliHarness> {
  // Objects are created "ten days ago" by a clock that never moves, so the
  // server's AGE cells are stable and identical for netkube and kubectl.
  const clock = options.clock ?? new FakeClock(realClock.now() - 10 * 86_400_000);
  const store = new ObjectStore({ freeze: true });
  const registry = new Registry({ store, clock, random: seededRandom(3) });
  for (const name of ['default', 'kube-system', 'kube-node-lease']) {
    registry.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    } as KubeObject);
  }
  const server = new ApiServer({
    registry,
    store,
    clock,
    logger: silentLogger(),
    host: '127.0.0.1',
    port: 0,
    extensions: options.extensions ?? [],
    podLogs: options.podLogs ?? NO_POD_LOGS,
  });
  const { url } = await server.start();
  const home = await mkdtemp(join(tmpdir(), 'netkube-cli-e2e-'));
  const kubeconfig = join(home, 'default', 'kubeconfig');
  await mkdir(join(home, 'default'), { recursive: true });
  await writeKubeconfig(kubeconfig, { clusterName: 'netkube', server: url });
  await writeFile(
    join(home, 'default', 'state.json'),
    JSON.stringify({
      name: 'default',
      pid: process.pid,
      apiUrl: url,
      kubeconfig,
      logFile: join(home, 'default', 'netkube.log'),
      dns: { host: '127.0.0.1', port: 0 },
      socks: { host: '127.0.0.1', port: 0 },
      topologyFile: undefined,
      startedAt: new Date(clock.now()).toISOString(),
      nodes: [],
    }),
  );
  const env = { NETKUBE_HOME: home, TZ: process.env.TZ ?? 'UTC' };
  const children = new Set<ChildProcess>();
  const kubectlArgs = (argv: readonly string[]) => [
    '--kubeconfig',
    kubeconfig,
    '--cache-dir',
    join(home, 'kube-cache'),
    ...argv,
  ];
  const kubectlEnv = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    KUBECONFIG: kubeconfig,
    NO_COLOR: '1',
    TZ: env.TZ,
  };
  const collect = (child: ChildProcess) =>
    new Promise<RunResult>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const track = (child: ChildProcess) => {
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  };
  return {
    store,
    registry,
    url,
    home,
    async netkube(argv, opts = {}) {
      let stdout = '';
      let stderr = '';
      const stdin = new PassThrough();
      stdin.end(opts.stdin ?? '');
      const io: CliIO = {
        stdout: {
          write: (s: string) => {
            stdout += s;
            opts.onStdout?.(s);
          },
        },
        stderr: { write: (s: string) => (stderr += s) },
        stdin,
        env,
        cwd: home,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(options.manifestLoader ? { manifestLoader: options.manifestLoader } : {}),
      };
      const code = await main(argv, io);
      return { code, stdout, stderr };
    },
    kubectl(argv) {
      if (!KUBECTL) return undefined;
      return collect(
        track(spawn(KUBECTL, kubectlArgs(argv), { env: kubectlEnv, stdio: ['ignore', 'pipe', 'pipe'] })),
      );
    },
    spawnKubectl(argv) {
      if (!KUBECTL) return undefined;
      return track(spawn(KUBECTL, kubectlArgs(argv), { env: kubectlEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
    },
    spawnNetkube(argv) {
      const bin = join(import.meta.dirname, '../../bin/netkube.js');
      const child = spawn(process.execPath, [bin, ...argv], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return collect(track(child));
    },
    seed(obj) {
      // As a controller would: create, then write the status subresource
      // (the API server resets status on create).
      const created = registry.create(obj);
      const status = (obj as KubeObject & { status?: unknown }).status;
      if (status === undefined) return created;
      return registry.update({ ...created, status } as typeof obj, { subresource: 'status' });
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await server.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}
