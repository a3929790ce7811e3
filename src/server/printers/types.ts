/**
 * The `meta.k8s.io/v1` Table shapes (apimachinery `metav1.Table`) and the
 * per-kind printer contract. A printer is pure: object and "now" in, cells out.
 */
import type { KubeObject } from '../../api/index.js';
import { DESCRIPTIONS, type DescriptionKey } from './descriptions.js';

export interface TableColumnDefinition {
  readonly name: string;
  /** OpenAPI type: `string`, `integer`, `number`, `boolean`, `date`. */
  readonly type: string;
  /** `name` on the column kubectl uses for the `kind/name` prefix; '' otherwise. */
  readonly format: string;
  readonly description: string;
  /** 0: always shown; 1: shown with `-o wide` only. */
  readonly priority: number;
}

/** A `TableRowCondition` (only `Completed` exists upstream). */
export interface TableRowCondition {
  readonly type: 'Completed';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

export type TableCell = string | number | boolean | null;

export interface TableRow {
  readonly cells: readonly TableCell[];
  readonly conditions?: readonly TableRowCondition[];
  /** PartialObjectMetadata, the full object, or null (`includeObject=None`). */
  readonly object: unknown;
}

export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
  readonly metadata: { readonly resourceVersion?: string };
  /** Null when headers are suppressed (every watch event after the first). */
  readonly columnDefinitions: readonly TableColumnDefinition[] | null;
  readonly rows: readonly TableRow[];
}

/** The cells of one object, and its row conditions when it has any. */
export interface PrintedRow {
  readonly cells: readonly TableCell[];
  readonly conditions?: readonly TableRowCondition[];
}

/** How one kind is printed (one entry of upstream `AddHandlers`). */
export interface KindPrinter {
  readonly columns: readonly TableColumnDefinition[];
  /** `now` is milliseconds since the epoch, for ages. Never throws on odd objects. */
  row(obj: KubeObject, now: number): PrintedRow;
}

/** A column; `description` is a key of DESCRIPTIONS or literal text. */
export function column(
  name: string,
  type: string,
  description: DescriptionKey | { readonly text: string },
  options: { readonly priority?: number; readonly format?: string } = {},
): TableColumnDefinition {
  return {
    name,
    type,
    format: options.format ?? '',
    description: typeof description === 'string' ? DESCRIPTIONS[description] : description.text,
    priority: options.priority ?? 0,
  };
}

/** The `Name` column every printer starts with. */
export const NAME_COLUMN = column('Name', 'string', 'name', { format: 'name' });
/** The `Age` column. */
export const AGE_COLUMN = column('Age', 'string', 'creationTimestamp');

/** `{ text }` shorthand for literal descriptions. */
export function text(t: string): { readonly text: string } {
  return { text: t };
}

/** Wide-only column options. */
export const WIDE = { priority: 1 } as const;
