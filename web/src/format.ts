/** How values, units, ages and times read on the page. */
import type { SpecLimits, Tag } from './model.js';

const UNIT_SYMBOLS: Readonly<Record<string, string>> = {
  degC: '°C',
  degF: '°F',
  degK: 'K',
  deg: '°',
  pct: '%',
  percent: '%',
  um: 'µm',
  us: 'µs',
};

/** Display form of an engineering unit ("degC" → "°C"); empty for none. */
export function unitLabel(unit: string | null | undefined): string {
  if (!unit) return '';
  return UNIT_SYMBOLS[unit] ?? unit;
}

const numberFormats = new Map<number, Intl.NumberFormat>();
function numberFormat(fractionDigits: number): Intl.NumberFormat {
  let f = numberFormats.get(fractionDigits);
  if (!f) {
    f = new Intl.NumberFormat(undefined, {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    numberFormats.set(fractionDigits, f);
  }
  return f;
}

/** A number with exactly `decimals` decimals, grouped as the reader's locale does: (12, 4) → "12.0000". */
export function formatFixed(value: number, decimals: number): string {
  return numberFormat(decimals).format(value);
}

/** A measured number with about four significant digits: 1234.5 → "1,235", 62.347 → "62.35", 0.01234 → "0.0123". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
  const digits = Math.min(6, Math.max(0, 3 - magnitude));
  return numberFormat(digits).format(value);
}

const significant4 = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 4 });

/**
 * A figure (a metric, a score, a threshold) to about four significant digits without padding zeros: whole numbers
 * and anything from 1000 up in units, grouped; tiny values in exponent form.
 * @example [0.8, 0.91234, 11.9, 5000, 1234.56, 0.000012].map(formatCompact)
 * // ['0.8', '0.9123', '11.9', '5,000', '1,235', '1.2e-5']
 */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '—' : value > 0 ? '∞' : '−∞';
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) || magnitude >= 1000) return numberFormat(0).format(value);
  if (magnitude < 1e-4) return value.toExponential(1).replace('.0e', 'e');
  return significant4.format(value);
}

/** The value as an engineer reads it: state names for state tags, true/false for booleans, integers unpadded. */
export function formatValue(tag: Pick<Tag, 'dataType' | 'states'> | undefined, value: number): string {
  switch (tag?.dataType) {
    case 'state': {
      const name = tag.states?.[String(Math.round(value))];
      return name ?? String(Math.round(value));
    }
    case 'boolean':
      return value !== 0 ? 'true' : 'false';
    case 'integer':
      return numberFormat(0).format(value);
    default:
      return formatNumber(value);
  }
}

/** "just now", "3 s ago", "4 min ago", "2 h ago", "3 d ago". */
export function formatAge(ageMs: number): string {
  if (ageMs < 1_000) return 'just now';
  const s = Math.floor(ageMs / 1_000);
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

// Plants run on the 24-hour clock whatever the browser's locale; dates keep the locale's order.
const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const timeOfDay = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const timeOfDaySeconds = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/**
 * Labels for time-axis ticks `incrementMs` apart: "14:30" (or "14:30:15" below a minute), with the date under
 * the first tick and wherever the day changes; day-sized steps show only the date.
 */
export function formatTimeTicks(ticks: readonly number[], incrementMs: number): string[] {
  let previousDay = '';
  return ticks.map((ts) => {
    const date = new Date(ts);
    const day = shortDate.format(date);
    if (incrementMs >= 86_400_000) return day;
    const time = (incrementMs < 60_000 ? timeOfDaySeconds : timeOfDay).format(date);
    const label = day !== previousDay ? `${time}\n${day}` : time;
    previousDay = day;
    return label;
  });
}

/** Local date and time of an epoch-ms instant. */
export function formatDateTime(ts: number): string {
  return dateTime.format(new Date(ts));
}

/** The day of an instant, short: "Nov 8" (for spans of days, where the time of day is noise). */
export function formatDay(ts: number): string {
  return shortDate.format(new Date(ts));
}

/** A duration in the largest unit that keeps it readable: 900 → "0.9 s", 3600000 → "1 h". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${formatNumber(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${formatNumber(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${formatNumber(ms / 3_600_000)} h`;
  return `${formatNumber(ms / 86_400_000)} d`;
}

/** Where a value sits against its specification limits. */
export function specStatus(spec: SpecLimits | null | undefined, value: number): 'low' | 'high' | 'ok' {
  if (spec?.lsl != null && value < spec.lsl) return 'low';
  if (spec?.usl != null && value > spec.usl) return 'high';
  return 'ok';
}

/** "35 – 65 (50)" style summary of limits; empty when the tag has none. */
export function formatSpec(spec: SpecLimits | null | undefined): string {
  if (!spec) return '';
  const lo = spec.lsl != null ? formatNumber(spec.lsl) : '';
  const hi = spec.usl != null ? formatNumber(spec.usl) : '';
  const range = lo || hi ? `${lo || '−∞'} – ${hi || '∞'}` : '';
  const target = spec.target != null ? `(${formatNumber(spec.target)})` : '';
  return [range, target].filter(Boolean).join(' ');
}
