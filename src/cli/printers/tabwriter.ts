/**
 * Go's `text/tabwriter` column alignment, as kubectl uses it (through the
 * `github.com/liggitt/tabwriter` fork, which adds `rememberWidths`): text is
 * split into cells at tabs; consecutive lines that have a cell in column k form
 * a column block whose width is the widest cell plus padding (at least
 * `minWidth`); the last cell of a line is not part of any column. kubectl
 * prints tables with `{ minWidth: 6, padding: 3, rememberWidths: true }` and
 * describe output with `{ minWidth: 0, padding: 2 }`.
 */

export interface TabWriterOptions {
  readonly minWidth: number;
  readonly padding: number;
  /** Column widths only grow across flushes (the fork's `RememberWidths`): `get -w` rows stay aligned. */
  readonly rememberWidths?: boolean;
}

interface Cell {
  readonly text: string;
  readonly width: number;
}

/** Width of a cell as Go counts it: runes, not UTF-16 units. */
function runeCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Buffers text and writes it aligned on `flush()`. A line without tabs flushes
 * what came before it, as Go's writer does (it cannot change any column).
 * Not safe for interleaved use by several printers.
 */
export class TabWriter {
  readonly #out: (text: string) => void;
  readonly #opts: TabWriterOptions;
  #lines: Cell[][] = [[]];
  #cell = '';
  #widths: number[] = [];
  #maxWidths: number[] = [];

  constructor(out: (text: string) => void, options: TabWriterOptions) {
    this.#out = out;
    this.#opts = options;
  }

  /** Appends text; cells end at `\t`, lines at `\n`. */
  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\n') continue;
      this.#cell += text.slice(start, i);
      start = i + 1;
      const cells = this.#terminateCell();
      if (ch === '\n') {
        this.#lines.push([]);
        if (cells === 1) this.flush();
      }
    }
    this.#cell += text.slice(start);
  }

  /** Writes everything buffered, aligned. */
  flush(): void {
    if (this.#cell.length > 0) this.#terminateCell();
    this.#format(0, this.#lines.length);
    this.#lines = [[]];
    this.#cell = '';
    this.#widths = [];
  }

  /** Forgets remembered widths (kubectl does this when the next resource kind starts). */
  resetRememberedWidths(): void {
    this.#maxWidths = [];
  }

  #terminateCell(): number {
    const line = this.#lines[this.#lines.length - 1] as Cell[];
    line.push({ text: this.#cell, width: runeCount(this.#cell) });
    this.#cell = '';
    return line.length;
  }

  #format(line0: number, line1: number): void {
    const column = this.#widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= (this.#lines[current] as Cell[]).length - 1) continue;
      this.#writeLines(line0, current);
      line0 = current;
      let width = this.#opts.minWidth;
      for (; current < line1; current++) {
        const line = this.#lines[current] as Cell[];
        if (column >= line.length - 1) break;
        width = Math.max(width, (line[column] as Cell).width + this.#opts.padding);
      }
      width = this.#remember(width);
      this.#widths.push(width);
      this.#format(line0, current);
      this.#widths.pop();
      line0 = current;
    }
    this.#writeLines(line0, line1);
  }

  #remember(width: number): number {
    if (!this.#opts.rememberWidths) return width;
    const max = this.#maxWidths;
    if (max.length < this.#widths.length) max.push(...this.#widths.slice(max.length));
    const at = this.#widths.length;
    const known = max[at];
    if (known === undefined) max.push(width);
    else if (known > width) return known;
    else max[at] = width;
    return width;
  }

  #writeLines(line0: number, line1: number): void {
    let text = '';
    for (let i = line0; i < line1; i++) {
      const line = this.#lines[i] as Cell[];
      line.forEach((c, j) => {
        text += c.text;
        const w = this.#widths[j];
        if (w !== undefined) text += ' '.repeat(Math.max(0, w - c.width));
      });
      // The last buffered line is the unterminated one: no newline after it.
      if (i + 1 < this.#lines.length) text += '\n';
    }
    if (text) this.#out(text);
  }
}

/** Aligns a whole text at once (`tabbedString` in kubectl's describe and history). */
export function alignTabs(text: string, options: TabWriterOptions): string {
  let out = '';
  const w = new TabWriter((t) => {
    out += t;
  }, options);
  w.write(text);
  w.flush();
  return out;
}

/** kubectl's table writer settings (`printers.GetNewTabWriter`). */
export const TABLE_TABWRITER: TabWriterOptions = { minWidth: 6, padding: 3, rememberWidths: true };

/** kubectl's describe/history settings (`tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`). */
export const DESCRIBE_TABWRITER: TabWriterOptions = { minWidth: 0, padding: 2 };
