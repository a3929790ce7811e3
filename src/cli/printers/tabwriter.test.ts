import { describe, expect, it } from 'vitest';
import { alignTabs, DESCRIBE_TABWRITER, TABLE_TABWRITER, TabWriter } from './tabwriter.js';

describe('TabWriter (Go text/tabwriter semantics)', () => {
  it.each([
    {
      name: 'table: widest cell plus padding 3, last cell unpadded',
      opts: TABLE_TABWRITER,
      input: 'NAME\tREADY\tAGE\nweb-1\t1/1\t5s\n',
      want: 'NAME    READY   AGE\nweb-1   1/1     5s\n',
    },
    {
      name: 'table: minimum width 6',
      opts: TABLE_TABWRITER,
      input: 'A\tB\nc\td\n',
      want: 'A     B\nc     d\n',
    },
    {
      name: 'describe: a line without tabs ends the column block',
      opts: DESCRIBE_TABWRITER,
      input: 'Name:\tweb\nNamespace:\tdefault\nContainers:\n  nginx:\n    Image:\tnginx\n',
      want: 'Name:       web\nNamespace:  default\nContainers:\n  nginx:\n    Image:  nginx\n',
    },
    {
      name: 'describe: a third cell only aligns with neighbours that have one',
      opts: DESCRIBE_TABWRITER,
      input: 'Port:\t<unset>\t80/TCP\nTargetPort:\t80/TCP\nNodePort:\t<unset>\t30080/TCP\n',
      want: 'Port:        <unset>  80/TCP\nTargetPort:  80/TCP\nNodePort:    <unset>  30080/TCP\n',
    },
    {
      name: 'a shorter line splits the column block (kubectl describe ingress rules)',
      opts: DESCRIBE_TABWRITER,
      input: '  Host\tPath\tBackends\n  *\t\n  \t/\tweb:80 (10.244.1.2:80)\n',
      want: '  Host  Path  Backends\n  *     \n        /  web:80 (10.244.1.2:80)\n',
    },
    {
      name: 'widths count runes, not UTF-16 units',
      opts: DESCRIBE_TABWRITER,
      input: 'é😀\tx\nab\ty\n',
      want: 'é😀  x\nab  y\n',
    },
  ])('$name', ({ opts, input, want }) => {
    expect(alignTabs(input, opts)).toBe(want);
  });

  it('remembers widths across flushes so watch rows stay aligned', () => {
    let out = '';
    const w = new TabWriter((t) => {
      out += t;
    }, TABLE_TABWRITER);
    w.write('NAME\tREADY\tSTATUS\nweb-abcdefgh\t1/1\tRunning\n');
    w.flush();
    w.write('web-x\t0/1\tPending\n');
    w.flush();
    expect(out).toBe(
      'NAME           READY   STATUS\nweb-abcdefgh   1/1     Running\nweb-x          0/1     Pending\n',
    );
    w.resetRememberedWidths();
    out = '';
    w.write('a\tb\n');
    w.flush();
    expect(out).toBe('a     b\n');
  });
});
