/**
 * Which FMEA rows an event or a work order is about: a failure mode applies to an asset (the asset itself, an
 * ancestor of it, or its equipment type), and it matches a record when the record's text mentions the failure
 * mode's component or mode, by a plain word-overlap rule the assistant can explain:
 *
 *   content words: the text lower-cased, split at anything that is not a letter or digit ("hydraulic_leak" →
 *   hydraulic, leak), words under 3 characters and common English stop words dropped, a plural "s" taken off
 *   ("seals" → seal; not "ss": "press" stays).
 *   A failure mode matches a text when every content word of its `component` appears in the text, or when at
 *   least two content words of its `mode` do (its one word, when the mode has just one).
 *
 * @example matchesFailureMode({ mode: 'Hydraulic oil leak at the rod seal' }, 'hydraulic_leak') // true
 */
import {
  type Asset,
  type FailureMode,
  type PlantEvent,
  type WorkOrder,
  isUnder,
} from '../../domain/index.js';

const STOP_WORDS = new Set(
  (
    'the and for with without from into onto over under due not are was were been being its this that these ' +
    'those than then per via after before during when while which who what has have had can may might will ' +
    'would should could does did all any some such only also very too out off our their there here how'
  ).split(' '),
);

/** The content words of a text, in order of first appearance. */
export function contentWords(text: string): string[] {
  const words = new Set<string>();
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length < 3 || STOP_WORDS.has(raw)) continue;
    words.add(raw.length > 3 && raw.endsWith('s') && !raw.endsWith('ss') ? raw.slice(0, -1) : raw);
  }
  return [...words];
}

/** A failure mode's words, worked out once for matching many texts. */
export interface FailureModeWords {
  readonly component: readonly string[];
  readonly mode: readonly string[];
}

export function failureModeWords(fm: Pick<FailureMode, 'component' | 'mode'>): FailureModeWords {
  return { component: contentWords(fm.component ?? ''), mode: contentWords(fm.mode) };
}

/** The word-overlap rule of this file's header, on a text's content words. */
export function wordsMatch(fm: FailureModeWords, text: ReadonlySet<string>): boolean {
  if (fm.component.length > 0 && fm.component.every((w) => text.has(w))) return true;
  if (fm.mode.length === 0) return false;
  const needed = Math.min(2, fm.mode.length);
  let found = 0;
  for (const w of fm.mode) if (text.has(w) && ++found >= needed) return true;
  return false;
}

export function matchesFailureMode(fm: Pick<FailureMode, 'component' | 'mode'>, text: string): boolean {
  return wordsMatch(failureModeWords(fm), new Set(contentWords(text)));
}

/** Whether an FMEA row is about this asset: written for it or an asset above it, or for its equipment type. */
export function appliesTo(fm: Pick<FailureMode, 'asset' | 'equipmentType'>, asset: Asset): boolean {
  if (fm.asset !== undefined && isUnder(asset.path, fm.asset)) return true;
  return fm.equipmentType !== undefined && asset.kind !== undefined && fm.equipmentType === asset.kind;
}

/** The words of an event that say what happened: an alarm's code and message, a state's reason and message. */
export function eventText(event: PlantEvent): string {
  switch (event.kind) {
    case 'alarm':
      return `${event.code} ${event.message ?? ''}`;
    case 'machine_state':
      return `${event.reason ?? ''} ${event.message ?? ''}`;
    case 'note':
      return event.message ?? '';
  }
}

export function workOrderText(wo: WorkOrder): string {
  return [wo.title, wo.description, wo.resolution, wo.failureCode].filter((s) => s !== undefined).join(' ');
}

/**
 * A stop, fault or alarm: a machine going `down` (an unplanned stop, ISO 22400-2) or an alarm being raised. Planned
 * stops, set-ups, short idle stops, returns to running and cleared alarms are not failures.
 */
export function isFailureEvent(event: PlantEvent): boolean {
  return (
    (event.kind === 'machine_state' && event.state === 'down') ||
    (event.kind === 'alarm' && event.state === 'raised')
  );
}

/** A work order that was open at some time in [from, to): created before `to` and not closed before `from`. */
export function activeInWindow(wo: WorkOrder, window: { from: number; to: number }): boolean {
  return wo.createdAt < window.to && (wo.closedAt === undefined || wo.closedAt >= window.from);
}
