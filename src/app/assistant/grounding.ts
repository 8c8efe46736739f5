/**
 * Grounding check for a model's answer: every figure in it must be one the tools returned (as written, or rounded
 * the way the answer writes it, or as a percentage of a fraction), one the question gave, or a count of records a
 * tool returned. A figure that is none of these did not come from the plant's data, so it is masked, not shown.
 */

/** Dates, clock times and identifiers are not figures to check (line1/press3, WO-000042, 2026-11-23, 14:05). */
const TOKEN =
  /(\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?)|(\d{1,2}:\d{2}(?::\d{2})?)|([A-Za-z][\w-]*\d[\w./-]*)|(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)/g;
/** A list marker at the start of a line ("1. ", "2) "). */
const LIST_MARKER = /^(\s*)\d+[.)]\s/gm;

/** The figures written in a text (dates, times and identifiers left out). */
export function figuresIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.replace(LIST_MARKER, '$1- ').matchAll(TOKEN)) {
    if (m[4] !== undefined) out.push(m[4]);
  }
  return out;
}

const value = (figure: string): number => Number(figure.replace(/,/g, ''));

/** Every number in a tool result: numeric fields, figures inside strings, and the lengths of lists. */
function collect(source: unknown, into: Set<number>, depth = 0): void {
  if (depth > 12) return;
  if (typeof source === 'number') {
    if (Number.isFinite(source)) into.add(source);
  } else if (typeof source === 'string') {
    for (const f of figuresIn(source)) into.add(value(f));
  } else if (Array.isArray(source)) {
    into.add(source.length);
    for (const v of source) collect(v, into, depth + 1);
  } else if (typeof source === 'object' && source !== null) {
    for (const v of Object.values(source)) collect(v, into, depth + 1);
  }
}

/** Whether `written` is `known` as the answer writes it: the same to the decimals shown, rounded or cut off. */
function matches(written: string, known: number): boolean {
  const x = value(written);
  const decimals = written.includes('.') ? (written.split('.')[1]?.length ?? 0) : 0;
  const scale = 10 ** decimals;
  // Rounded to the digits shown, or cut off there.
  const rounded = Math.round(known * scale) / scale;
  const truncated = Math.trunc(known * scale) / scale;
  const eps = 1e-9 * Math.max(1, Math.abs(x));
  return Math.abs(x - rounded) <= eps || Math.abs(x - truncated) <= eps;
}

export interface GroundingResult {
  /** The answer with unsupported figures replaced by "[?]". */
  readonly text: string;
  /** The figures that no tool result supports. */
  readonly ungrounded: readonly string[];
}

/**
 * Masks the figures of `answer` that neither the tool results nor the question support.
 * @example
 * groundAnswer('Oil is 41.3 °C, limit 60 °C.', [{ value: 41.27 }], 'oil temperature?')
 * // { text: 'Oil is 41.3 °C, limit [?] °C.', ungrounded: ['60'] }
 */
export function groundAnswer(
  answer: string,
  results: readonly unknown[],
  question: string,
  /** Names with digits in them that are not figures ("Press 3", "Line 1"), matched case-insensitively. */
  names: readonly string[] = [],
): GroundingResult {
  const named = names
    .filter((n) => /\d/.test(n))
    .map((n) => new RegExp(`^${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')}$`, 'i'));
  const known = new Set<number>();
  for (const r of results) collect(r, known);
  for (const f of figuresIn(question)) known.add(value(f));
  const candidates = [...known].flatMap((k) => [k, k * 100]);
  const ungrounded: string[] = [];
  const text = answer.replace(
    TOKEN,
    (whole, _date, _time, _id, figure: string | undefined, offset: number) => {
      if (figure === undefined) return whole;
      // The number of a name ("press 3"): the word before it and the figure together are a known name.
      const before = /([A-Za-z][\w-]*)\s+$/.exec(answer.slice(Math.max(0, offset - 40), offset));
      if (before?.[1] !== undefined && named.some((re) => re.test(`${before[1]} ${figure}`))) return whole;
      // A list marker is structure, not a figure.
      const lineStart = answer.lastIndexOf('\n', offset - 1) + 1;
      if (
        /^\s*$/.test(answer.slice(lineStart, offset)) &&
        /^[.)]\s/.test(answer.slice(offset + whole.length))
      )
        return whole;
      if (candidates.some((k) => matches(figure, k))) return whole;
      ungrounded.push(figure);
      return '[?]';
    },
  );
  return { text, ungrounded };
}
