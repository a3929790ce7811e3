#!/usr/bin/env node
// The netkube command. `npm install` (the `prepare` script) or `npm run build`
// bundles the TypeScript sources into dist/bundle/.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('netkube is not built yet: run `npm install` (or `npm run build`) in the netkube directory');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
