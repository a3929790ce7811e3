/**
 * The netkube package's root directory (where package.json, topologies/ and
 * examples/ live), found by walking up from this module. It works the same from
 * src/ (tests), dist/ (the compiled tree) and dist/bundle/ (the bundled CLI),
 * which a fixed `../../` relative to `import.meta.url` would not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'netkube') {
          cached = dir;
          return dir;
        }
      } catch {
        // Not a JSON package.json: keep looking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the netkube package root (package.json)');
    dir = parent;
  }
}

/** A path inside the package: `packagePath('topologies', 'default.yaml')`. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
