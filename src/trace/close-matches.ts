/**
 * "Did you mean": the names closest to one that does not exist. A name that
 * exists in another namespace comes first, then names that start with what was
 * typed (`web` → `web-7d4b9c8f6-x2x7k`), then names within a small edit
 * distance (`wbe` → `web`).
 */

/** Levenshtein distance, bounded: returns `limit + 1` as soon as it is exceeded. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

/**
 * Up to `max` candidates (`namespace/name` or bare names) close to `name`
 * wanted in `namespace`; candidates in that namespace are shown without it.
 */
export function closeMatches(
  name: string,
  candidates: readonly string[],
  options: { namespace?: string; max?: number } = {},
): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const scored: { text: string; score: number }[] = [];
  for (const c of candidates) {
    const slash = c.indexOf('/');
    const ns = slash >= 0 ? c.slice(0, slash) : undefined;
    const bare = slash >= 0 ? c.slice(slash + 1) : c;
    const text = ns === undefined || ns === options.namespace ? bare : c;
    const lower = bare.toLowerCase();
    let score: number;
    if (lower === wanted) score = 0;
    else if (lower.startsWith(wanted) || wanted.startsWith(lower)) score = 1;
    else {
      const d = editDistance(wanted, lower, limit);
      if (d > limit) continue;
      score = 1 + d;
    }
    scored.push({ text, score: score + (text === c && ns !== undefined ? 0.5 : 0) });
  }
  scored.sort((a, b) => a.score - b.score || a.text.localeCompare(b.text));
  return scored.slice(0, options.max ?? 5).map((s) => s.text);
}
