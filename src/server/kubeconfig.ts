/**
 * The kubeconfig `netkube up` writes so that `kubectl` talks to the emulator:
 * plain HTTP on loopback, no TLS and no credentials (kubectl then sends no
 * Authorization header), one cluster/context/user named after the cluster,
 * context namespace `default` (reference §1).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

/** What goes into the kubeconfig. */
export interface KubeconfigOptions {
  /** Name of the cluster, context and user (e.g. `netkube` or the `--name`). */
  readonly clusterName: string;
  /** The API server URL, `http://127.0.0.1:<port>`. */
  readonly server: string;
  /** @default 'default' */
  readonly namespace?: string;
}

/** The kubeconfig document as YAML text. Pure. */
export function kubeconfigYaml(options: KubeconfigOptions): string {
  const name = options.clusterName;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: options.server } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: options.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
    users: [{ name, user: {} }],
  });
}

/**
 * Writes the kubeconfig to `path` (creating its directory), atomically via a
 * temporary file and rename, readable by the owner only. Overwrites an
 * existing file: the caller decides whether that is wanted.
 */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, kubeconfigYaml(options), { mode: 0o600 });
  await rename(tmp, path);
}
