/** Drops `readonly` from the top level of a type (kubernetes-types marks server fields readonly). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Drops `readonly` at every level, for builders that assemble an object step by step. */
export type DeepMutable<T> = T extends (infer U)[]
  ? DeepMutable<U>[]
  : T extends readonly (infer U)[]
    ? DeepMutable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
      : T;
