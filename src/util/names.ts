import { randomUUID } from 'node:crypto';
import type { Random } from './random.js';

/** The alphabet apimachinery uses for generated name suffixes (no vowels, no 0/1/3). */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` suffix: 5 characters, as `names.SimpleNameGenerator` makes them. */
export function randomSuffix(random: Random, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_SUFFIX_ALPHABET[random.int(NAME_SUFFIX_ALPHABET.length)];
  return out;
}

/** A new object uid. */
export function newUid(): string {
  return randomUUID();
}
