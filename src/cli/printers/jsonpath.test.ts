import { describe, expect, it } from 'vitest';
import { parseCustomColumns, renderCustomColumns } from './custom-columns.js';
import { executeJsonPath, JsonPathEvalError, JsonPathSyntaxError, relaxedJsonPath } from './jsonpath.js';

const list = {
  kind: 'List',
  items: [
    {
      metadata: { name: 'a', labels: { app: 'web' } },
      status: { podIP: '10.244.1.2', conditions: [{ type: 'Ready', status: 'True' }] },
    },
    {
      metadata: { name: 'b' },
      status: { podIP: '10.244.1.3', conditions: [{ type: 'Ready', status: 'False' }] },
    },
  ],
};

describe('JSONPath (client-go semantics)', () => {
  it.each([
    { t: '{.items[*].metadata.name}', want: 'a b' },
    { t: '{.items[0].status.podIP}', want: '10.244.1.2' },
    { t: '{.items[-1:].metadata.name}', want: 'b' },
    { t: '{.items[0,1].metadata.name}', want: 'a b' },
    { t: "{.items[?(@.status.conditions[0].status=='True')].metadata.name}", want: 'a' },
    { t: '{.items[?(@.metadata.labels)].metadata.name}', want: 'a' },
    { t: '{range .items[*]}{.metadata.name}{"\\n"}{end}', want: 'a\nb\n' },
    { t: 'names: {.items[*].metadata.name}!', want: 'names: a b!' },
    { t: '{.items[0].metadata.labels}', want: '{"app":"web"}' },
    { t: "{.items[0].metadata['name']}", want: 'a' },
    { t: '{..podIP}', want: '10.244.1.2 10.244.1.3' },
    { t: '{.missing.key}', want: '' },
    { t: '{.kind}{.items[5:5]}', want: 'List' },
  ])('$t', ({ t, want }) => {
    expect(executeJsonPath(t, list)).toBe(want);
  });

  it('prints -as-json results as indented JSON arrays', () => {
    expect(executeJsonPath('{.items[*].metadata.name}', list, { json: true })).toBe(
      '[\n    "a",\n    "b"\n]\n',
    );
  });

  it.each([
    { t: '{.items[', err: JsonPathSyntaxError, msg: 'unterminated array' },
    { t: '{.items', err: JsonPathSyntaxError, msg: 'unclosed action' },
    { t: '{.items[x]}', err: JsonPathSyntaxError, msg: 'invalid array index x' },
    { t: '{.items[5]}', err: JsonPathEvalError, msg: 'array index out of bounds: index 5, length 2' },
    { t: '{end}', err: JsonPathEvalError, msg: 'not in range, nothing to end' },
  ])('rejects $t', ({ t, err, msg }) => {
    expect(() => executeJsonPath(t, list)).toThrow(err);
    expect(() => executeJsonPath(t, list)).toThrow(msg);
  });

  it.each([
    ['.metadata.name', '{.metadata.name}'],
    ['metadata.name', '{.metadata.name}'],
    ['{.metadata.name}', '{.metadata.name}'],
  ])('relaxes %s to %s', (input, want) => {
    expect(relaxedJsonPath(input)).toBe(want);
  });
});

describe('custom columns', () => {
  it('renders one row per object with <none> for missing values', () => {
    const columns = parseCustomColumns('NAME:.metadata.name,IP:status.podIP,APP:.metadata.labels.app');
    expect(renderCustomColumns(columns, list.items)).toBe(
      'NAME   IP           APP\na      10.244.1.2   web\nb      10.244.1.3   <none>\n',
    );
  });

  it('rejects a column without a path', () => {
    expect(() => parseCustomColumns('NAME')).toThrow(
      'unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>',
    );
  });
});
