import { describe, expect, it } from 'vitest';
import { naturalCompare, resolvesToString, toYaml } from './yaml.js';

describe('toYaml (go-yaml v2 as kubectl -o yaml)', () => {
  it.each([
    {
      name: 'strings that read back as other types are double-quoted',
      value: { a: '80', b: 'true', c: '', d: 'y', e: '1.5', f: 'null' },
      want: 'a: "80"\nb: "true"\nc: ""\nd: "y"\ne: "1.5"\nf: "null"\n',
    },
    {
      name: 'timestamps are quoted, IPs and image tags are not',
      value: { t: '2024-01-15T10:00:00Z', ip: '10.96.0.1', image: 'nginx:1.25', pct: '25%' },
      want: 'image: nginx:1.25\nip: 10.96.0.1\npct: 25%\nt: "2024-01-15T10:00:00Z"\n',
    },
    {
      name: 'indicators force single quotes',
      value: { m: 'containers with unready status: [nginx]', s: '*', h: '#x', q: "it's" },
      want: "h: '#x'\nm: 'containers with unready status: [nginx]'\nq: it's\ns: '*'\n",
    },
    {
      name: 'multi-line strings become literal blocks with chomping',
      value: { a: 'x\ny\n', b: 'x\ny', c: 'x\n\n' },
      want: 'a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\n',
    },
    { name: 'tabs force double quotes with escapes', value: { a: 'a\tb' }, want: 'a: "a\\tb"\n' },
    { name: 'empty collections and null', value: { a: {}, b: [], c: null }, want: 'a: {}\nb: []\nc: null\n' },
    {
      name: 'sequences are not indented under their key; maps in sequences start inline',
      value: { items: [{ b: 1, a: [1, 2] }, [3]] },
      want: 'items:\n- a:\n  - 1\n  - 2\n  b: 1\n- - 3\n',
    },
  ])('$name', ({ value, want }) => {
    expect(toYaml(value)).toBe(want);
  });

  it('folds long scalars after column 80 at a space, continuing two columns deeper', () => {
    const message =
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.';
    expect(toYaml({ status: { conditions: [{ message }] } })).toBe(
      "status:\n  conditions:\n  - message: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane:\n      }, 2 Insufficient cpu.'\n",
    );
  });

  it.each([
    ['80', false],
    ['0x1F', false],
    ['1_000', false],
    ['1:20', false],
    ['2024-01-15', false],
    ['Yes', false],
    ['10.244.0.0/16', true],
    ['web', true],
    ['-', true],
  ])('resolvesToString(%s) = %s', (s, want) => {
    expect(resolvesToString(s)).toBe(want);
  });

  it('orders keys as go-yaml does: digit runs by value, letters after other characters', () => {
    expect(['a10', 'a9', 'a_b', 'aB', 'ab', 'a-b'].sort(naturalCompare)).toEqual([
      'a-b',
      'a_b',
      'a9',
      'a10',
      'aB',
      'ab',
    ]);
  });
});
