/**
 * Test harness: an ApiServer on 127.0.0.1 port 0 over a fresh store and
 * registry (no controllers), a kubeconfig and kubectl cache dir in a temp
 * directory, and helpers that run the real kubectl v1.32 against it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import { silentLogger } from '../../log/index.js';
import { ObjectStore } from '../../store/object-store.js';
import { Registry } from '../../store/registry.js';
import { realClock, seededRandom } from '../../util/index.js';
import { ApiServer } from '../api-server.js';
import type { PodExec } from '../handlers/exec-stream.js';
import type { PodPortForward } from '../handlers/portforward.js';
import { writeKubeconfig } from '../kubeconfig.js';
import { NO_POD_LOGS, type PodLogs } from '../pod-logs.js';

function findKubectl(): string | undefined {
  const bundled = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
  if (existsSync(bundled)) return bundled;
  const probe = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  return probe.status === 0 ? 'kubectl' : undefined;
}

/** The bundled kubectl 1.32 of the Google Cloud SDK, else `kubectl` on PATH, else undefined. */
export const KUBECTL = findKubectl();

/** `describe` when a kubectl exists, `describe.skip` otherwise (the suites need the real binary). */
export const kubectlSuite = KUBECTL ? describe : describe.skip;

export interface KubectlResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export interface Harness {
  readonly store: ObjectStore;
  readonly registry: Registry;
  readonly server: ApiServer;
  readonly url: string;
  readonly dir: string;
  /** Runs kubectl to completion. */
  kubectl(args: readonly string[], options?: { stdin?: string }): Promise<KubectlResult>;
  /** Starts kubectl and returns the process (for `get -w`). */
  spawnKubectl(args: readonly string[]): ChildProcess;
  /** Writes a file into the temp dir and returns its path. */
  file(name: string, text: string): Promise<string>;
  close(): Promise<void>;
}

/** Creates an object through the Registry (the test plays the controllers). */
export function seed<T extends KubeObject>(registry: Registry, obj: T): T {
  return registry.create(obj);
}

export async function startHarness(
  options: { podLogs?: PodLogs; podExec?: PodExec; podPortForward?: PodPortForward } = {},
): Promise<Harness> {
  const store = new ObjectStore({ freeze: true });
  const registry = new Registry({ store, clock: realClock, random: seededRandom(1) });
  for (const name of ['default', 'kube-system']) {
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
    clock: realClock,
    logger: silentLogger(),
    host: '127.0.0.1',
    port: 0,
    extensions: [],
    podLogs: options.podLogs ?? NO_POD_LOGS,
    ...(options.podExec ? { podExec: options.podExec } : {}),
    ...(options.podPortForward ? { podPortForward: options.podPortForward } : {}),
  });
  const { url } = await server.start();
  const dir = await mkdtemp(join(tmpdir(), 'netkube-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, { clusterName: 'netkube', server: url });
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')];
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
  const children = new Set<ChildProcess>();
  const spawnKubectl = (args: readonly string[]) => {
    const child = spawn(KUBECTL ?? 'kubectl', [...base, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  };
  return {
    store,
    registry,
    server,
    url,
    dir,
    spawnKubectl,
    kubectl(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = spawnKubectl(args);
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr?.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ stdout, stderr, code }));
        child.stdin?.end(opts.stdin ?? '');
      });
    },
    async file(name, text) {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Everything a child wrote to stdout so far, and a way to wait for more. */
export interface OutputCollector {
  readonly text: string;
  /** Resolves with all output once `predicate` holds for it (the test timeout bounds the wait). */
  waitFor(predicate: (out: string) => boolean): Promise<string>;
}

export function collectOutput(child: ChildProcess): OutputCollector {
  let text = '';
  const waiters: { predicate: (out: string) => boolean; resolve: (out: string) => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    text += d.toString();
    for (const w of [...waiters]) {
      if (w.predicate(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(text);
      }
    }
  });
  return {
    get text() {
      return text;
    },
    waitFor(predicate) {
      if (predicate(text)) return Promise.resolve(text);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
}
