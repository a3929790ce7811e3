/**
 * Every example README's commands run against a real emulator, and each
 * prints what the README shows (after the normalisation documented in
 * examples/README.md). `NETKUBE_RECORD_EXAMPLES=1` rewrites the READMEs with
 * what a run prints instead (the addresses of slot 0, as a developer's first
 * `netkube up` has them), as `vitest -u` does for golden files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';
import { REPO } from '../helpers/cli.js';
import { ExampleRun, normalise, readmeSteps, rewriteReadme } from './packet-cases.examples-harness.js';

const SLOT = EMULATOR_SLOTS['test/e2e/packet-cases-examples.test.ts'];
const RECORD = process.env.NETKUBE_RECORD_EXAMPLES === '1';

/** The examples this suite owns (demo and the ingress examples have their own tests). */
const EXAMPLES = readdirSync(join(REPO, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'demo' && !d.name.startsWith('ingress-'))
  .map((d) => d.name)
  .filter((name) => readdirSync(join(REPO, 'examples', name)).includes('README.md'))
  .sort();

describe('example READMEs', () => {
  it('cover the scenarios', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(EXAMPLES)(
    '%s',
    async (name) => {
      const path = join(REPO, 'examples', name, 'README.md');
      const text = readFileSync(path, 'utf8');
      const steps = readmeSteps(text);
      expect(steps.length, `${name}: no console commands`).toBeGreaterThan(0);
      const home = mkdtempSync(join(tmpdir(), `netkube-example-${name}-`));
      const run = new ExampleRun({ home, slot: SLOT, repo: REPO });
      const outputs: string[] = [];
      try {
        for (const step of steps) {
          const got = await run.run(step.command);
          outputs.push(got.replace(new RegExp(`127\\.${SLOT}\\.(10|20)\\.`, 'g'), '127.0.$1.'));
          if (!RECORD)
            expect(normalise(got, SLOT), `examples/${name}/README.md:${step.line}: $ ${step.command}`).toBe(
              normalise(step.expected, SLOT),
            );
        }
      } finally {
        await run.stop();
        rmSync(home, { recursive: true, force: true });
      }
      if (RECORD) writeFileSync(path, rewriteReadme(text, outputs));
    },
    90_000,
  );
});
