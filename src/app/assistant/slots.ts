/**
 * Slot filling for the assistant's router: which asset, tag, item and time window a plain-language question is
 * about. Assets and tags by fuzzy match on their names, path segments and descriptions ("press 3", "Press #3",
 * "press3"; "oil temperature" → oil_temp); time windows from the usual phrases ("last 2 hours", "today", "this
 * month", "since yesterday") and, for dates, chrono-node.
 */
import * as chrono from 'chrono-node';
import type { Asset, Item, Tag } from '../../domain/index.js';

/** Words that mean the same to a plant engineer; the key is what tag names use. */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  temp: ['temperature', 'temperatures', 'temp', 'hot', 'heat'],
  vibration: ['vibration', 'vibrations', 'vibrating', 'shaking'],
  pressure: ['pressure', 'pressures', 'bar'],
  power: ['power', 'kw', 'consumption', 'energy'],
  speed: ['speed', 'rate'],
  count: ['count', 'counter', 'parts', 'pieces', 'output'],
  diameter: ['diameter', 'bore', 'od'],
  height: ['height'],
  load: ['load'],
  state: ['state', 'status'],
};

/** Lower case, punctuation to spaces, "#3"/"no. 3" to "3", and each word mapped to its canonical form. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/\bno\.\s*(\d)/g, '$1')
    .replace(/#\s*(\d)/g, '$1')
    .replace(/[^a-z0-9.]+/g, ' ')
    .split(' ')
    .map((w) => w.replace(/^\.+|\.+$/g, ''))
    .filter((w) => w !== '');
}

function canonical(word: string): string {
  for (const [key, forms] of Object.entries(SYNONYMS)) if (forms.includes(word)) return key;
  return word;
}

/** The question's words, also with letter–digit runs split and joined ("press3" ⇄ "press 3"), for matching. */
function forms(text: string): { tokens: Set<string>; joined: string } {
  const ws = words(text).flatMap((w) => {
    const split = w.match(/^([a-z]+)(\d+)$/);
    return split ? [w, split[1] ?? '', split[2] ?? ''] : [w];
  });
  return { tokens: new Set(ws.map(canonical)), joined: ` ${words(text).join(' ')} ` };
}

export interface Match<T> {
  readonly value: T;
  /** 0…1: the share of the candidate's identifying words found in the question. */
  readonly score: number;
  /** The words of the question that matched. */
  readonly matched: string;
}

/** Variants an asset is called by: its name, its last path segment, both with and without a space before a number. */
function assetNames(asset: Asset): string[] {
  const segment = asset.path.split('/').at(-1) ?? '';
  const names = [asset.name, segment, segment.replace(/^([a-z]+)(\d+)$/i, '$1 $2')];
  return [...new Set(names.map((n) => words(n).join(' ')).filter((n) => n !== ''))];
}

/**
 * The asset the question names, preferring the longest (most specific) name found as whole words, then the deeper
 * level (a machine over its line). Undefined when none is named.
 */
export function matchAsset(question: string, assets: readonly Asset[]): Match<Asset> | undefined {
  const { joined } = forms(question);
  let best: (Match<Asset> & { length: number; depth: number }) | undefined;
  for (const asset of assets) {
    for (const name of assetNames(asset)) {
      if (!joined.includes(` ${name} `)) continue;
      const depth = asset.path.split('/').length;
      const better =
        best === undefined ||
        name.length > best.length ||
        (name.length === best.length && depth > best.depth);
      if (better) best = { value: asset, score: 1, matched: name, length: name.length, depth };
    }
  }
  return best === undefined ? undefined : { value: best.value, score: best.score, matched: best.matched };
}

/**
 * The tag the question names among `tags` (usually those of the matched asset): the share of the tag name's words
 * (synonyms included: "temperature" for temp) in the question, description words breaking ties. Undefined below
 * half of the name's words.
 */
export function matchTag(question: string, tags: readonly Tag[]): Match<Tag> | undefined {
  const { tokens } = forms(question);
  let best: (Match<Tag> & { tie: number }) | undefined;
  for (const tag of tags) {
    const nameWords = words(tag.name.replace(/_/g, ' '))
      .map(canonical)
      .filter((w) => w !== 'rms');
    if (nameWords.length === 0) continue;
    const found = nameWords.filter((w) => tokens.has(w));
    const score = found.length / nameWords.length;
    const tie = words(tag.description ?? '')
      .map(canonical)
      .filter((w) => w.length > 2 && tokens.has(w)).length;
    if (score < 0.5 || found.length === 0) continue;
    if (best === undefined || score > best.score || (score === best.score && tie > best.tie)) {
      best = { value: tag, score, matched: found.join(' '), tie };
    }
  }
  return best === undefined ? undefined : { value: best.value, score: best.score, matched: best.matched };
}

/** The supply item the question names, by id or name ("bracket A", "bracket-a", "bearing 6312"). */
export function matchItem(question: string, items: readonly Item[]): Match<Item> | undefined {
  const { joined } = forms(question);
  let best: (Match<Item> & { length: number }) | undefined;
  for (const item of items) {
    const names = [item.id, item.name ?? '']
      .map((n) => words(n.replace(/[-_]/g, ' ')).join(' '))
      .filter(Boolean);
    for (const name of names) {
      if (joined.includes(` ${name} `) && (best === undefined || name.length > best.length)) {
        best = { value: item, score: 1, matched: name, length: name.length };
      }
    }
  }
  return best === undefined ? undefined : { value: best.value, score: best.score, matched: best.matched };
}

export interface TimeWindow {
  readonly from: number;
  readonly to: number;
  /** The window as words that follow a verb: "in the last 2 hours", "today", "on 3 June", "since Monday 8:00". */
  readonly label: string;
  /** False when the question named no window and the caller's default was used. */
  readonly explicit: boolean;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};
const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  ten: 10,
  twelve: 12,
  few: 3,
};

const startOfDay = (ts: number) => ts - (ts % 86_400_000);

/**
 * The time window a question asks about, in UTC; `fallbackMs` before now when it names none. Relative phrases
 * first (they are what operators say), then any date chrono-node finds ("on 3 November", "since Monday 8:00").
 */
export function parseWindow(question: string, now: number, fallbackMs: number): TimeWindow {
  const q = question.toLowerCase();
  const relative = q.match(
    /\b(?:last|past|previous|over the last|in the last)\s+(\d+|an?|one|two|three|four|five|six|seven|eight|ten|twelve|few)?\s*(minute|min|hour|hr|day|week|month)s?\b/,
  );
  if (relative) {
    const count = relative[1] === undefined ? 1 : (NUMBER_WORDS[relative[1]] ?? Number(relative[1]));
    const unit = relative[2] === 'min' ? 'minute' : relative[2] === 'hr' ? 'hour' : (relative[2] ?? 'hour');
    const ms = count * (UNIT_MS[unit] ?? 3_600_000);
    return {
      from: now - ms,
      to: now,
      label: `in the last ${count === 1 ? '' : `${count} `}${unit}${count === 1 ? '' : 's'}`,
      explicit: true,
    };
  }
  const day = startOfDay(now);
  if (/\btoday\b/.test(q)) return { from: day, to: now, label: 'today', explicit: true };
  if (/\byesterday\b/.test(q) && !/\bsince yesterday\b/.test(q)) {
    return { from: day - 86_400_000, to: day, label: 'yesterday', explicit: true };
  }
  if (/\bthis week\b/.test(q)) {
    const weekday = (new Date(now).getUTCDay() + 6) % 7; // Monday 0
    return {
      from: day - weekday * 86_400_000,
      to: now,
      label: 'this week',
      explicit: true,
    };
  }
  if (/\bthis month\b/.test(q)) {
    const d = new Date(now);
    return {
      from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
      to: now,
      label: 'this month',
      explicit: true,
    };
  }
  const parsed = chrono.parse(question, { instant: new Date(now), timezone: 'UTC' }, { forwardDate: false });
  const first = parsed[0];
  if (first !== undefined) {
    const start = first.start.date().getTime();
    const end = first.end?.date().getTime();
    if (start <= now) {
      const since = /\bsince\b/.test(q);
      // A day without a time of day ("on 3 June") is that whole day; "since …" runs to now.
      const timed = first.start.isCertain('hour');
      const from = timed || since ? start : startOfDay(start);
      const to =
        end !== undefined && end > start
          ? Math.min(end, now)
          : since
            ? now
            : Math.min(now, timed ? start + 3_600_000 : from + 86_400_000);
      const text = first.text.trim();
      const label = /^(since|from|between|on|at|in|during)\b/i.test(text) ? text : `on ${text}`;
      return { from, to, label, explicit: true };
    }
  }
  return {
    from: now - fallbackMs,
    to: now,
    label: `in the last ${describeDuration(fallbackMs)}`,
    explicit: false,
  };
}

/** "24 hours", "7 days", "90 minutes". */
export function describeDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms >= 2 * 86_400_000) return `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`;
  return `${Math.round(ms / 60_000)} minutes`;
}
