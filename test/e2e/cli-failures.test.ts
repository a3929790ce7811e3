import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PodLogs } from '../../src/server/index.js';
import { seedCluster } from './cli-fixtures.js';
import { type CliHarness, startCliHarness } from './cli-harness.js';

const harnesses: CliHarness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function start(options: Parameters<typeof startCliHarness>[0] = {}): Promise<CliHarness> {
  const h = await startCliHarness(options);
  harnesses.push(h);
  seedCluster((o) => h.seed(o), Date.now());
  return h;
}

describe('finding the emulator', () => {
  it('says no emulator runs when the state names a dead process', async () => {
    const h = await start();
    await mkdir(join(h.home, 'stale'), { recursive: true });
    await writeFile(
      join(h.home, 'stale', 'state.json'),
      JSON.stringify({ name: 'stale', pid: 2 ** 22 + 7, apiUrl: h.url }),
    );
    expect(await h.netkube(['get', 'pods', '--name', 'stale'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: no emulator named "stale" is running: start one with `netkube up`\n',
    });
  });

  it("uses kubectl's words when the API server refuses connections", async () => {
    const h = await start();
    await mkdir(join(h.home, 'gone'), { recursive: true });
    await writeFile(
      join(h.home, 'gone', 'state.json'),
      JSON.stringify({ name: 'gone', pid: process.pid, apiUrl: 'http://127.0.0.1:9' }),
    );
    expect(await h.netkube(['get', 'pods', '--name', 'gone'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'The connection to the server 127.0.0.1:9 was refused - did you specify the right host or port?\n',
    });
  });

  it('logs its requests with --log-level debug', async () => {
    const h = await start();
    const r = await h.netkube(['get', 'ns', '--log-level', 'debug']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME +STATUS +AGE\n/);
  });
});

describe('time limits and streams', () => {
  it("rollout status gives up after --timeout with kubectl's message", async () => {
    const h = await start();
    const r = await h.netkube(['rollout', 'status', 'deploy/web', '--timeout=200ms']);
    expect(r).toEqual({
      code: 1,
      stdout: 'Waiting for deployment spec update to be observed...\n',
      stderr: 'error: timed out waiting for the condition\n',
    });
  });

  it('logs -f streams until interrupted', async () => {
    const logs: PodLogs = {
      async *open(req, signal) {
        yield 'first\n';
        if (!req.follow) return;
        yield 'second\n';
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      },
    };
    const h = await start({ podLogs: logs });
    const controller = new AbortController();
    let out = '';
    const running = h.netkube(['logs', '-f', 'web-7d4b9c8f5b-4jw2p'], {
      signal: controller.signal,
      onStdout: (s) => {
        out += s;
        if (out.includes('second\n')) controller.abort();
      },
    });
    expect(await running).toEqual({ code: 0, stdout: 'first\nsecond\n', stderr: '' });
  });
});
