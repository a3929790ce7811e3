#!/usr/bin/env node
// Builds the `netkube` command: one ESM bundle (with lazily loaded chunks) from
// src/cli/main.ts into dist/bundle/. A bundle starts several times faster than
// hundreds of separate modules plus CommonJS dependencies, which is what keeps
// `netkube get` quick and `netkube up` under a second. Type checking is separate
// (`npm run typecheck`, part of `npm test`). pino stays external: its transports
// load `pino-pretty` in a worker thread by package name; ws's optional native
// helpers stay external so they are used only when installed.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist/bundle', { recursive: true, force: true });
const r = spawnSync(
  'npx',
  [
    'rolldown',
    'src/cli/main.ts',
    '--platform',
    'node',
    '--format',
    'esm',
    '--dir',
    'dist/bundle',
    '--external',
    'pino,pino-pretty,thread-stream,bufferutil,utf-8-validate',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
process.exit(r.status ?? 1);
