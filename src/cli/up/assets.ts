/** Files shipped with netkube that `up` reads at run time (the demo app). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package root: two levels above this module in src/ and in dist/ alike. */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/** `examples/demo/demo.yaml`, the app `netkube up` deploys when given no manifests. */
export function demoManifestPath(): string {
  const path = fileURLToPath(new URL('../../../examples/demo/demo.yaml', import.meta.url));
  if (!existsSync(path)) throw new Error(`The demo manifest is missing from this installation (${path})`);
  return path;
}
