import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { dryRunCreate, resourceForKind } from '../api/index.js';
import { loadManifests } from './load.js';
import { formatProblem, ManifestError } from './problems.js';

/** A copy of ../shared/seed-manifests, the manifests netkube was designed from (see its README). */
const SEEDS = fileURLToPath(new URL('./__golden__/inputs/seed-manifests/', import.meta.url));
const seedFiles = readdirSync(SEEDS).filter((f) => f.endsWith('.yaml'));

describe('the seed manifests', () => {
  it.each(seedFiles)('%s loads without errors, and defaults as a real API server stores it', async (file) => {
    const { manifests, warnings } = await loadManifests([file], { cwd: SEEDS });
    const summary = [
      ...manifests.map((m) => `# ${m.source.file}:${m.source.line} ${m.label}`),
      ...warnings.map((w) => `# warning: ${formatProblem(w)}`),
    ].join('\n');
    const stored = manifests.map((m) => {
      const namespaced = resourceForKind(m.object.kind)?.namespaced ?? false;
      const metadata = {
        ...m.object.metadata,
        ...(namespaced ? { namespace: m.object.metadata.namespace ?? 'default' } : {}),
      };
      const { object, errors } = dryRunCreate({ ...m.object, metadata });
      expect(errors).toEqual([]);
      return stringify(object);
    });
    await expect(`${summary}\n---\n${stored.join('---\n')}`).toMatchFileSnapshot(`__golden__/stored/${file}`);
  });

  it('applies the three identical infra-team pods once, warning twice (kubectl: created, unchanged, unchanged)', async () => {
    const { manifests, warnings } = await loadManifests(['infra-team.yaml'], { cwd: SEEDS });
    expect(manifests.map((m) => m.label)).toEqual([
      'Pod infra-team-ns1/label-pod-a',
      'Service infra-team-ns1/infra-svc1',
    ]);
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['DUPLICATE_IDENTICAL', 13],
      ['DUPLICATE_IDENTICAL', 25],
    ]);
  });

  it('rejects the service as the notes typed it, naming both mistakes in one message', async () => {
    const err = await loadManifests(['as-written/myweb1-svc.yaml'], { cwd: SEEDS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).message).toBe(
      [
        'as-written/myweb1-svc.yaml:4: tabs are not allowed as YAML indentation (line 4, column 1): indent with spaces (and 7 more lines)',
        'as-written/myweb1-svc.yaml:2: kind "service" is not known: did you mean "Service"?',
      ].join('\n'),
    );
  });
});
