/**
 * Marks a branch the type checker has proven unreachable: every `switch` over a
 * discriminated union ends in `default: return assertNever(x)`, so adding a union
 * member is a compile error until every switch handles it.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
