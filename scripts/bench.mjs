#!/usr/bin/env node
// Runs a benchmark from bench/: bundles bench/<name>.ts with rolldown (part of the
// vitest toolchain already installed) and runs it with the remaining arguments.
//   npm run bench -- dataplane --runs 5
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('usage: npm run bench -- <name> [args…]   (bench/<name>.ts)');
  process.exit(2);
}
const src = join('bench', `${name}.ts`);
if (!existsSync(src)) {
  console.error(`no benchmark ${src}`);
  process.exit(2);
}
mkdirSync(join('dist', 'bench'), { recursive: true });
const out = join('dist', 'bench', `${name}.mjs`);
const bundle = spawnSync(
  'npx',
  ['rolldown', src, '--platform', 'node', '--format', 'esm', '--no-codeSplitting', '-o', out],
  {
    stdio: 'inherit',
  },
);
if (bundle.status !== 0) process.exit(bundle.status ?? 1);
const run = spawnSync(process.execPath, ['--expose-gc', out, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
