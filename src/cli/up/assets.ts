/** Files shipped with netkube that `up` reads at run time (the demo app). */
import { existsSync } from 'node:fs';
import { packagePath } from '../../util/package-root.js';

/** `examples/demo/demo.yaml`, the app `netkube up` deploys when given no manifests. */
export function demoManifestPath(): string {
  const path = packagePath('examples', 'demo', 'demo.yaml');
  if (!existsSync(path)) throw new Error(`The demo manifest is missing from this installation (${path})`);
  return path;
}
