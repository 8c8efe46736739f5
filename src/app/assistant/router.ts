/**
 * The assistant with no language model: a semantic router. Each intent is a kind of question operators ask (the
 * value of a signal now, its average or peak over a window, the active alarms, what stopped a machine, open work
 * orders, an item's forecast or what to order); the question is matched to intents by sentence embeddings of their
 * example questions plus keyword cues, the asset, tag, item and time window are filled from the question, and the
 * intent's operation answers through the same tool path a model would use (`invoke`: validated, permission-checked
 * and audited as the asking user). Every number in an answer comes from a tool result and is cited; a question it
 * cannot place gets "I cannot answer that" and what it can answer, never a guess.
 */
import { type Embedder, cosineSimilarity } from '../../domain/embedder.js';
import {
  type Asset,
  type Item,
  type PlantEvent,
  type Sample,
  type Tag,
  UserError,
  type WorkOrder,
} from '../../domain/index.js';
import { type Match, type TimeWindow, matchAsset, matchItem, matchTag, parseWindow } from './slots.js';
import type { OeeReport } from '../process/oee-report.js';

/** What an answer rests on: the operation that produced it and the asset, tag, item, window or record. */
export interface Citation {
  readonly source: string;
  readonly asset?: string;
  readonly tag?: string;
  readonly item?: string;
  readonly from?: number;
  readonly to?: number;
  /** The time of a single reading. */
  readonly at?: number;
  /** A record: a forecast id, a work-order id, an event id, a proposal id. */
  readonly ref?: string;
  /** A document passage: the document id, its heading path, page (PDF) and position. */
  readonly document?: string;
  readonly section?: string;
  readonly page?: number;
  readonly passage?: number;
  /** A model and its version. */
  readonly model?: string;
  readonly version?: number;
  /** The same in words, for a footnote. */
  readonly label: string;
}

export interface ToolCallRecord {
  readonly name: string;
  readonly input: unknown;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

export interface AssistantAnswer {
  readonly question: string;
  readonly answer: string;
  /** `router` without a model; `model` when a language model chose the tools and wrote the answer. */
  readonly mode: 'router' | 'model';
  /** The model that answered (mode `model`). */
  readonly model?: string;
  /** Changes asked for, filed as proposals waiting for a person's approval (mode `model`). */
  readonly proposals?: readonly {
    readonly id: string;
    readonly operation: string;
    readonly summary: string;
  }[];
  /** Figures of the model's answer that no tool result supported, masked as [?] in the answer. */
  readonly ungrounded?: readonly string[];
  /** How the answer was made: context trimmed, answer cut off, figures masked. */
  readonly notes?: readonly string[];
  /** The intent chosen, or none when the question could not be placed. */
  readonly intent?: string;
  /** Similarity of the question to the intent's examples (0…1), keyword cues included. */
  readonly confidence: number;
  readonly citations: readonly Citation[];
  readonly toolCalls: readonly ToolCallRecord[];
  /** True when the assistant declined: a change to the plant, or a question outside what it knows. */
  readonly declined: boolean;
}

/** What graph.failures returns, as far as the router reads it. */
interface FailureReport {
  summary: { stops: number; alarms: number; workOrders: number };
  events: { id: string; kind: string; reason?: string; failureModes: string[] }[];
  failureModes: {
    id: string;
    asset?: string;
    mode: string;
    component?: string;
    effect: string;
    cause: string;
    rpn: number;
    matchedEvents: number;
    matchedWorkOrders: number;
  }[];
}

/** What quality.capability returns, as far as the router reads it. */
interface CapabilityStudy {
  from: number;
  to: number;
  spec: { lsl?: number; usl?: number };
  samples: { read: number; used: number };
  capability: {
    cpk: number;
    ppk: number;
    cp?: number;
    mean: number;
    sigmaWithin: number;
    confidence: number;
    cpkInterval: { lower: number; upper: number };
    expectedPpmOverall: { total: number };
  };
}

/** A model as models.list lists it. */
interface ModelView {
  name: string;
  version: number;
  task: string;
  algorithm: string;
  status: string;
  metrics: Record<string, number>;
  deployment?: { asset: string };
}

/** A passage from documents.search. */
interface Passage {
  document: string;
  title: string;
  section: string;
  page?: number;
  seq: number;
  text: string;
}

/** Calls an operation as the asking user (App.call underneath). */
export type Invoke = (name: string, input: unknown) => Promise<unknown>;

interface Context {
  readonly question: string;
  readonly now: number;
  readonly tool: <T>(name: string, input: unknown) => Promise<T>;
  readonly assets: () => Promise<readonly Asset[]>;
  readonly tagsOf: (asset: string) => Promise<readonly Tag[]>;
  readonly items: () => Promise<readonly Item[]>;
  readonly cite: (c: Citation) => void;
}

interface Intent {
  readonly name: string;
  /** Example questions, embedded once. */
  readonly examples: readonly string[];
  /** Cues that raise this intent's score by KEYWORD_BONUS. */
  readonly keywords: RegExp;
  /** Cues that rule it out (e.g. "average" for the current value). */
  readonly not?: RegExp;
  readonly run: (ctx: Context) => Promise<string>;
}

const KEYWORD_BONUS = 0.2;
/** Below this combined score the router says it cannot answer. */
export const MIN_CONFIDENCE = 0.6;

const fmt = (v: number): string =>
  Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(4)).toString();
const iso = (ts: number): string => `${new Date(ts).toISOString().slice(0, 19)}Z`;
const clock = (ts: number): string => new Date(ts).toISOString().slice(11, 19);
const windowText = (w: TimeWindow): string => `${iso(w.from)} – ${iso(w.to)} (${w.label})`;
/** A duration for people: minutes below two hours, else hours to one decimal. */
const duration = (ms: number): string =>
  ms < 2 * 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`;

/** A passage cited: document title, heading path and page; returns the same as words. */
function citePassage(ctx: Context, p: Passage): string {
  const where = [p.title, p.section, p.page !== undefined ? `p. ${p.page}` : undefined]
    .filter((x) => x !== undefined && x.length > 0)
    .join(' › ');
  ctx.cite({
    source: 'documents.search',
    document: p.document,
    section: p.section,
    ...(p.page !== undefined && { page: p.page }),
    passage: p.seq,
    label: where,
  });
  return where;
}

/**
 * What a question about the documents is about: without the words that only say where to look ("what does the
 * manual say about", "according to the SOP") and the machine's name (the search is narrowed to its documents
 * instead), which would otherwise match every passage of every manual.
 */
function topicOf(question: string, asset: Asset | undefined): string {
  let q = question;
  if (asset !== undefined) q = q.replace(new RegExp(`\\b${asset.name.replace(/\s+/g, '\\s*')}\\b`, 'i'), ' ');
  const topic = q
    .replace(
      /\b(what|which|does|do|did|is|are|the|a|an|its|their|manuals?|documentation|docs?|sops?|instructions?|procedures?|says?|about|according|to|in|of|for|tell|show|me)\b/gi,
      ' ',
    )
    .replace(/[?!.,]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return topic.length > 0 ? topic : question;
}

/** A passage quoted, cut at a word near 360 characters. */
const quote = (text: string): string =>
  text.length > 360 ? `${text.slice(0, 360).replace(/\s+\S*$/, '')} …` : text;

/** A missing slot: the answer asks for it and lists what there is. */
class NeedSlot extends UserError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

async function requireAsset(ctx: Context): Promise<Asset> {
  const assets = await ctx.assets();
  const match = matchAsset(ctx.question, assets);
  if (match) return match.value;
  const machines = assets.filter((a) => a.level === 'equipment').map((a) => a.name);
  throw new NeedSlot(
    `Which machine do you mean? I know ${machines.slice(0, 12).join(', ')}${machines.length > 12 ? ', …' : ''}.`,
  );
}

async function requireTag(ctx: Context, asset: Asset): Promise<Tag> {
  const tags = (await ctx.tagsOf(asset.path)).filter((t) => t.asset === asset.path);
  const match: Match<Tag> | undefined = matchTag(ctx.question, tags);
  if (match) return match.value;
  throw new NeedSlot(
    `Which signal of ${asset.name}? It has ${tags.map((t) => t.name).join(', ') || 'no tags'}.`,
  );
}

async function requireItem(ctx: Context): Promise<Item> {
  const items = await ctx.items();
  const match = matchItem(ctx.question, items);
  if (match) return match.value;
  throw new NeedSlot(`Which item? I know ${items.map((i) => i.name ?? i.id).join(', ') || 'no items yet'}.`);
}

/** A cycle service level named in the question ("98 %"), else 0.95. */
function serviceLevel(question: string): number {
  const m = question.match(/\b(\d{2}(?:\.\d+)?)\s*%/);
  const v = m ? Number(m[1]) / 100 : 0.95;
  return v > 0.5 && v < 1 ? v : 0.95;
}

const withUnit = (v: number, tag: Tag): string => `${fmt(v)}${tag.unit ? ` ${tag.unit}` : ''}`;

const INTENTS: readonly Intent[] = [
  {
    name: 'latest_value',
    examples: [
      'what is the oil temperature on press 3 now',
      'current vibration of mill 2',
      "what's the hydraulic pressure of press 1 right now",
      'latest motor temperature reading on the lathe',
      'how hot is the spindle of mill 1',
    ],
    keywords: /\b(now|current(ly)?|latest|right now|at the moment|reading)\b/,
    not: /\b(average|mean|avg|max(imum)?|min(imum)?|highest|lowest|peak|trend)\b/,
    async run(ctx) {
      const asset = await requireAsset(ctx);
      const tag = await requireTag(ctx, asset);
      const { samples } = await ctx.tool<{ samples: Sample[] }>('samples.latest', { tags: [tag.path] });
      const s = samples[0];
      if (!s) return `${asset.name} has no ${tag.name} samples stored yet.`;
      ctx.cite({
        source: 'samples.latest',
        asset: asset.path,
        tag: tag.path,
        at: s.ts,
        label: `${tag.path} at ${iso(s.ts)}`,
      });
      const age = Math.round((ctx.now - s.ts) / 1000);
      return `${asset.name} ${tag.name} is ${withUnit(s.value, tag)} (at ${clock(s.ts)} UTC, ${age} s ago${s.quality === 'good' ? '' : `, quality ${s.quality}`}).`;
    },
  },
  {
    name: 'window_stats',
    examples: [
      'what was the average oil temperature on press 3 over the last 2 hours',
      'maximum vibration of mill 1 today',
      'lowest hydraulic pressure on press 2 in the last hour',
      'peak power of the lathe yesterday',
      'mean spindle load of mill 3 this week',
    ],
    keywords: /\b(average|mean|avg|max(imum)?|min(imum)?|highest|lowest|peak)\b/,
    async run(ctx) {
      const asset = await requireAsset(ctx);
      const tag = await requireTag(ctx, asset);
      const w = parseWindow(ctx.question, ctx.now, 3_600_000);
      const { buckets } = await ctx.tool<{
        buckets: { min: number; max: number; avg: number; count: number }[];
      }>('samples.buckets', { tag: tag.path, from: w.from, to: w.to, bucketMs: Math.max(1, w.to - w.from) });
      const count = buckets.reduce((n, b) => n + b.count, 0);
      if (count === 0) return `${asset.name} has no ${tag.name} samples ${w.label} (${windowText(w)}).`;
      const avg = buckets.reduce((s, b) => s + b.avg * b.count, 0) / count;
      const min = Math.min(...buckets.map((b) => b.min));
      const max = Math.max(...buckets.map((b) => b.max));
      ctx.cite({
        source: 'samples.buckets',
        asset: asset.path,
        tag: tag.path,
        from: w.from,
        to: w.to,
        label: `${tag.path}, ${windowText(w)}`,
      });
      const q = ctx.question.toLowerCase();
      const asked = /\b(max(imum)?|highest|peak)\b/.test(q)
        ? `peaked at ${withUnit(max, tag)}`
        : /\b(min(imum)?|lowest)\b/.test(q)
          ? `was at least ${withUnit(min, tag)}`
          : `averaged ${withUnit(avg, tag)}`;
      return `${asset.name} ${tag.name} ${asked} ${w.label} (average ${withUnit(avg, tag)}, min ${withUnit(min, tag)}, max ${withUnit(max, tag)}; ${count.toLocaleString('en-US')} samples).`;
    },
  },
  {
    name: 'active_alarms',
    examples: [
      'which alarms are active',
      'are there any alarms on press 3',
      'show me the open alarms in the stamping area',
      'what alarms are raised right now',
    ],
    keywords: /\balarms?\b/,
    async run(ctx) {
      const assets = await ctx.assets();
      const scope = matchAsset(ctx.question, assets)?.value;
      const w = parseWindow(ctx.question, ctx.now, 7 * 86_400_000);
      const { events } = await ctx.tool<{ events: PlantEvent[] }>('events.list', {
        kinds: ['alarm'],
        from: w.from,
        to: w.to,
        limit: 10_000,
        ...(scope ? { under: scope.path } : {}),
      });
      // Newest first: the first event of each (asset, code) is its current state.
      const latest = new Map<string, PlantEvent>();
      for (const e of events) {
        if (e.kind !== 'alarm') continue;
        const key = `${e.asset}|${e.code}`;
        if (!latest.has(key)) latest.set(key, e);
      }
      const active = [...latest.values()].filter((e) => e.kind === 'alarm' && e.state === 'raised');
      ctx.cite({
        source: 'events.list',
        ...(scope ? { asset: scope.path } : {}),
        from: w.from,
        to: w.to,
        label: `alarm events${scope ? ` under ${scope.path}` : ''}, ${windowText(w)}`,
      });
      const where = scope ? ` on ${scope.name}` : '';
      if (active.length === 0) return `No alarms are active${where} (alarm events ${w.label}).`;
      const name = (path: string) => assets.find((a) => a.path === path)?.name ?? path;
      const lines = active
        .slice(0, 8)
        .map(
          (e) =>
            `${name(e.asset)}: ${e.kind === 'alarm' ? `${e.code} (${e.severity})` : ''} since ${clock(e.ts)} UTC${e.message ? ` — ${e.message}` : ''}`,
        );
      return `${active.length} alarm${active.length === 1 ? ' is' : 's are'} active${where}:\n- ${lines.join('\n- ')}${active.length > 8 ? `\n- … and ${active.length - 8} more` : ''}`;
    },
  },
  {
    name: 'stops',
    examples: [
      'what failed on press 3 this month',
      'why did press 3 stop',
      'how often was mill 2 down this week',
      'downtime of the lathe yesterday',
      'list the breakdowns of press 1 in the last 7 days',
    ],
    keywords: /\b(fail(ed|ure|ures)?|down(time)?|stop(ped|s)?|break ?downs?|trip(ped|s)?|broke)\b/,
    not: /\b(manuals?|fmea|failure modes?|rpn|documentation|sops?)\b/,
    async run(ctx) {
      const asset = await requireAsset(ctx);
      const w = parseWindow(ctx.question, ctx.now, 7 * 86_400_000);
      const { events } = await ctx.tool<{ events: PlantEvent[] }>('events.list', {
        kinds: ['machine_state'],
        under: asset.path,
        from: w.from,
        to: w.to,
        limit: 10_000,
      });
      ctx.cite({
        source: 'events.list',
        asset: asset.path,
        from: w.from,
        to: w.to,
        label: `machine states of ${asset.path}, ${windowText(w)}`,
      });
      const states = events.filter((e) => e.kind === 'machine_state').sort((a, b) => a.ts - b.ts);
      const downs: { ts: number; reason: string; ms: number }[] = [];
      states.forEach((e, i) => {
        if (e.kind !== 'machine_state' || e.state !== 'down') return;
        const next = states.slice(i + 1).find((n) => n.kind === 'machine_state' && n.state !== 'down');
        downs.push({ ts: e.ts, reason: e.reason ?? 'no reason given', ms: (next?.ts ?? w.to) - e.ts });
      });
      if (downs.length === 0) return `${asset.name} did not go down ${w.label}.`;
      const byReason = new Map<string, number>();
      for (const d of downs) byReason.set(d.reason, (byReason.get(d.reason) ?? 0) + 1);
      const downMs = downs.reduce((s, d) => s + d.ms, 0);
      const reasons = [...byReason].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ×${n}`);
      const last = downs.at(-1);
      return `${asset.name} went down ${downs.length} time${downs.length === 1 ? '' : 's'} ${w.label}: ${reasons.join(', ')}; ${duration(downMs)} down in all${last ? ` (latest at ${iso(last.ts)})` : ''}.`;
    },
  },
  {
    name: 'failure_knowledge',
    examples: [
      'what failed on press 3 this month and what does its manual say about it',
      'what does the manual say about the failures of press 3',
      'which failure modes does the FMEA list for press 3',
      'what are the highest risks in the FMEA of press 4',
      'what does the documentation say about the breakdowns on press 2 this week',
    ],
    keywords:
      /\b(fmea|failure modes?|rpn)\b|\b(fail\w*|broke\w*|break ?downs?)\b.*\b(manuals?|documentation|sops?)\b|\b(manuals?|documentation|sops?)\b.*\b(fail\w*|broke\w*|break ?downs?)\b/,
    async run(ctx) {
      const asset = await requireAsset(ctx);
      const w = parseWindow(ctx.question, ctx.now, 30 * 86_400_000);
      const g = await ctx.tool<FailureReport>('graph.failures', {
        asset: asset.path,
        from: w.from,
        to: w.to,
      });
      ctx.cite({
        source: 'graph.failures',
        asset: asset.path,
        from: w.from,
        to: w.to,
        label: `stops, alarms, work orders and FMEA rows of ${asset.path}, ${windowText(w)}`,
      });
      const stops = g.events.filter((e) => e.kind === 'machine_state');
      const byReason = new Map<string, number>();
      for (const e of stops)
        byReason.set(e.reason ?? 'no reason given', (byReason.get(e.reason ?? 'no reason given') ?? 0) + 1);
      const reasons = [...byReason].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ×${n}`);
      const parts: string[] = [
        stops.length === 0 && g.summary.alarms === 0
          ? `${asset.name} had no stops or raised alarms ${w.label}.`
          : `${asset.name} ${w.label}: ${g.summary.stops} stop${g.summary.stops === 1 ? '' : 's'}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}, ${g.summary.alarms} raised alarm${g.summary.alarms === 1 ? '' : 's'}, ${g.summary.workOrders} work order${g.summary.workOrders === 1 ? '' : 's'}.`,
      ];
      // The FMEA rows the window's stops match first (a stop is a failure; an alarm may be a drift), then those
      // other records match, then the riskiest; each cited.
      const stopsMatched = (id: string) => stops.filter((e) => e.failureModes.includes(id)).length;
      const ranked = [...g.failureModes].sort(
        (a, b) =>
          stopsMatched(b.id) - stopsMatched(a.id) ||
          b.matchedEvents + b.matchedWorkOrders - (a.matchedEvents + a.matchedWorkOrders) ||
          b.rpn - a.rpn,
      );
      const top = ranked.slice(0, 2);
      for (const f of top) {
        ctx.cite({
          source: 'graph.failures',
          asset: f.asset ?? asset.path,
          ref: f.id,
          label: `FMEA ${f.id}: ${f.mode}`,
        });
      }
      if (top.length > 0) {
        parts.push(
          `FMEA: ${top
            .map(
              (f) =>
                `${f.mode} (RPN ${f.rpn}; effect: ${f.effect}; cause: ${f.cause}${f.matchedEvents + f.matchedWorkOrders > 0 ? `; matches ${f.matchedEvents + f.matchedWorkOrders} of these records` : ''})`,
            )
            .join('; ')}.`,
        );
      } else {
        parts.push('No FMEA rows are recorded for it.');
      }
      // What the manuals say about the most likely failure (or the question itself when there is no FMEA row).
      const query =
        top[0] !== undefined ? `${top[0].mode} ${top[0].component ?? ''} ${top[0].cause}` : ctx.question;
      const { passages } = await ctx.tool<{ passages: Passage[] }>('documents.search', {
        query,
        asset: asset.path,
        limit: 2,
      });
      const best = passages[0];
      if (best === undefined) {
        parts.push('No manual or instruction about it has been imported.');
      } else {
        const where = [best.title, best.section, best.page !== undefined ? `p. ${best.page}` : undefined]
          .filter((x) => x !== undefined && x.length > 0)
          .join(' › ');
        ctx.cite({
          source: 'documents.search',
          document: best.document,
          section: best.section,
          ...(best.page !== undefined && { page: best.page }),
          passage: best.seq,
          label: where,
        });
        const quote =
          best.text.length > 360 ? `${best.text.slice(0, 360).replace(/\s+\S*$/, '')} …` : best.text;
        parts.push(`The manual (${where}) says: “${quote}”`);
      }
      return parts.join('\n');
    },
  },
  {
    name: 'documents',
    examples: [
      'what does the manual say about the oil temperature',
      'how do I change the rod seal according to the manual',
      'how often must the main bearing be greased',
      'what should I do after a die jam',
      'which oil does the press take according to the documentation',
    ],
    keywords: /\b(manuals?|sops?|instructions?|procedures?|documentation|according to)\b/,
    not: /\b(fail(ed|ures?)?|broke|fmea|rpn)\b/,
    async run(ctx) {
      const asset = matchAsset(ctx.question, await ctx.assets())?.value;
      const { passages } = await ctx.tool<{ passages: Passage[] }>('documents.search', {
        query: topicOf(ctx.question, asset),
        ...(asset !== undefined && { asset: asset.path }),
        limit: 3,
      });
      const [best, next] = passages;
      if (best === undefined) {
        return `No imported manual or instruction answers that${asset !== undefined ? ` for ${asset.name}` : ''}. Documents are imported with documents.import (gemba documents import --file …).`;
      }
      const where = citePassage(ctx, best);
      const parts = [`${where}:\n“${quote(best.text)}”`];
      if (next !== undefined && next.document !== best.document) {
        parts.push(`See also ${citePassage(ctx, next)}.`);
      }
      return parts.join('\n');
    },
  },
  {
    name: 'capability',
    examples: [
      'what is the cpk of the flange height on press 3',
      'is the bore diameter on mill 1 capable',
      'process capability of the outer diameter of lathe 1 today',
      'how capable is press 2 on flange height in the last 4 hours',
      'ppk of the flange height on press 4 yesterday',
    ],
    keywords: /\b(cpk|ppk|cp|pp|capab\w*|ppm|within spec|in spec|out of spec)\b/,
    async run(ctx) {
      const asset = await requireAsset(ctx);
      const tag = await requireTag(ctx, asset);
      const w = parseWindow(ctx.question, ctx.now, 24 * 3_600_000);
      let study: CapabilityStudy;
      try {
        study = await ctx.tool<CapabilityStudy>('quality.capability', {
          tag: tag.path,
          from: w.from,
          to: w.to,
        });
      } catch (error) {
        if (error instanceof UserError)
          return `No capability for ${asset.name} ${tag.name}: ${error.message}.`;
        throw error;
      }
      ctx.cite({
        source: 'quality.capability',
        asset: asset.path,
        tag: tag.path,
        from: study.from,
        to: study.to,
        label: `capability of ${tag.path}, ${windowText(w)}`,
      });
      const c = study.capability;
      const limits = [
        study.spec.lsl !== undefined ? `LSL ${fmt(study.spec.lsl)}` : undefined,
        study.spec.usl !== undefined ? `USL ${fmt(study.spec.usl)}` : undefined,
      ]
        .filter((x) => x !== undefined)
        .join(', ');
      // Common thresholds (AIAG SPC manual, 2nd ed.; Montgomery 2019 §8.2): ≥ 1.33 capable, 1.00–1.33 marginal.
      const verdict = c.cpk >= 1.33 ? 'capable' : c.cpk >= 1 ? 'marginal' : 'not capable';
      return (
        `${asset.name} ${tag.name} ${w.label} (${limits}): Cpk ${fmt(c.cpk)} ` +
        `(${Math.round(c.confidence * 100)} % interval ${fmt(c.cpkInterval.lower)}–${fmt(c.cpkInterval.upper)}), ` +
        `Ppk ${fmt(c.ppk)}${c.cp !== undefined ? `, Cp ${fmt(c.cp)}` : ''}; mean ${fmt(c.mean)}, ` +
        `σ within ${fmt(c.sigmaWithin)}, from ${study.samples.used} of ${study.samples.read} samples. ` +
        `${verdict === 'capable' ? 'Capable' : verdict === 'marginal' ? 'Marginal' : 'Not capable'} by Cpk ` +
        `(≥ 1.33 capable, 1.00–1.33 marginal); expected ${fmt(c.expectedPpmOverall.total)} ppm out of spec overall.`
      );
    },
  },
  {
    name: 'oee',
    examples: [
      'what is the oee of stamping line 1 this shift',
      'how is press 2 doing on oee today',
      'availability and performance of the stamping line yesterday',
      'what is eating the oee of press 3 in the last 8 hours',
      'overall equipment effectiveness of cnc cell 1 this week',
    ],
    keywords: /\b(oee|overall equipment effectiveness|availability|performance rate|six big losses)\b/,
    async run(ctx) {
      const asset = await requireAsset(ctx);
      const w = parseWindow(ctx.question, ctx.now, 0);
      // No window named, or "this shift"/"now": the live figures of the current shift.
      const live = !w.explicit || /\b(this|current) shift\b|\bnow\b|\bright now\b/i.test(ctx.question);
      const report = live
        ? await ctx.tool<OeeReport & { shift?: { label: string } }>('oee.live', { asset: asset.path })
        : await ctx.tool<OeeReport & { shift?: { label: string } }>('oee.report', {
            asset: asset.path,
            from: w.from,
            to: w.to,
          });
      const label = report.shift ? `this shift (${report.shift.label})` : w.label;
      ctx.cite({
        source: live ? 'oee.live' : 'oee.report',
        asset: asset.path,
        from: report.from,
        to: report.to,
        label: `OEE of ${asset.path}, ${iso(report.from)} – ${iso(report.to)} (${label})`,
      });
      if (report.machines.length === 0) {
        return `No machine under ${asset.name} has OEE configured (oee.machines.configure).`;
      }
      const t = report.total;
      const pct = (v: number | null) => (v === null ? 'n/a' : `${fmt(v * 100)} %`);
      if (t.oee === null) return `${asset.name} had no planned production time ${label}.`;
      const losses = [...t.losses]
        .filter((l) => l.timeMs > 0)
        .sort((a, b) => b.timeMs - a.timeMs)
        .slice(0, 3)
        .map((l) => `${LOSS_WORDS[l.loss] ?? l.loss} ${duration(l.timeMs)}`);
      // Planned time (off, planned stops, and the time before a machine's data begins) is no loss.
      const reason = t.topReasons.find(
        (r) => r.state === 'down' || r.state === 'setup' || r.state === 'idle',
      );
      const worst =
        report.machines.length > 1
          ? [...report.machines]
              .filter((m) => m.result.oee !== null)
              .sort((a, b) => (a.result.oee ?? 0) - (b.result.oee ?? 0))[0]
          : undefined;
      return (
        `${asset.name} ${label}: OEE ${pct(t.oee)} = availability ${pct(t.availability)} × performance ` +
        `${pct(t.performance)} × quality ${pct(t.quality)}; ${fmt(t.producedQuantity)} parts made, ` +
        `${fmt(t.rejectQuantity)} rejected. Largest losses: ${losses.join(', ') || 'none'}.` +
        (reason
          ? ` Longest stop reason: ${reason.reason || reason.state} (${duration(reason.timeMs)}).`
          : '') +
        (worst ? ` Lowest: ${worst.name} at ${pct(worst.result.oee)}.` : '')
      );
    },
  },
  {
    name: 'models',
    examples: [
      'which models are deployed',
      'what model watches press 3',
      'which anomaly detection models are running',
      'how good is the bearing model',
      'list the machine learning models',
    ],
    keywords: /\b(models?|anomaly detect\w*|predictive|machine learning|ml)\b/,
    not: /\b(forecast|demand)\b/,
    async run(ctx) {
      const asset = matchAsset(ctx.question, await ctx.assets())?.value;
      const { models } = await ctx.tool<{ models: ModelView[] }>('models.list', {});
      const deployed = models.filter(
        (m) =>
          m.deployment !== undefined &&
          (asset === undefined ||
            m.deployment.asset === asset.path ||
            m.deployment.asset.startsWith(`${asset.path}/`)),
      );
      const shown = deployed.length > 0 ? deployed : asset === undefined ? models : [];
      if (shown.length === 0) {
        return `No model is deployed${asset !== undefined ? ` on ${asset.name}` : ''}; ${models.length} in the registry.`;
      }
      const lines = shown.slice(0, 8).map((m) => {
        ctx.cite({
          source: 'models.list',
          model: m.name,
          version: m.version,
          ...(m.deployment !== undefined && { asset: m.deployment.asset }),
          label: `model ${m.name} v${m.version}`,
        });
        const metrics = Object.entries(m.metrics)
          .slice(0, 3)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(', ');
        return `${m.name} v${m.version} (${m.task}, ${m.algorithm}, ${m.status})${m.deployment !== undefined ? ` on ${m.deployment.asset}` : ''}${metrics.length > 0 ? `: ${metrics}` : ''}`;
      });
      const head =
        deployed.length > 0
          ? `${deployed.length} model${deployed.length === 1 ? ' is' : 's are'} deployed${asset !== undefined ? ` on ${asset.name}` : ''}`
          : `No model is deployed; the registry holds ${models.length}`;
      return `${head}:\n- ${lines.join('\n- ')}`;
    },
  },
  {
    name: 'work_orders',
    examples: [
      'open work orders for press 3',
      'which work orders are in progress',
      'is there a work order for the bearing on press 3',
      'what maintenance jobs are open in the machining area',
    ],
    keywords: /\b(work ?orders?|maintenance jobs?|wo)\b/,
    async run(ctx) {
      const scope = matchAsset(ctx.question, await ctx.assets())?.value;
      const { workOrders } = await ctx.tool<{ workOrders: WorkOrder[] }>('workorders.list', {
        status: ['proposed', 'open', 'assigned', 'in_progress'],
        limit: 100,
        ...(scope ? { under: scope.path } : {}),
      });
      ctx.cite({
        source: 'workorders.list',
        ...(scope ? { asset: scope.path } : {}),
        label: `work orders not done or cancelled${scope ? ` under ${scope.path}` : ''}`,
      });
      const where = scope ? ` for ${scope.name}` : '';
      if (workOrders.length === 0) return `No work orders are open${where}.`;
      const lines = workOrders.slice(0, 8).map((o) => `${o.id} ${o.title} (${o.status}, ${o.priority})`);
      return `${workOrders.length} work order${workOrders.length === 1 ? ' is' : 's are'} open${where}:\n- ${lines.join('\n- ')}`;
    },
  },
  {
    name: 'forecast',
    examples: [
      'what is the demand forecast for bracket A',
      'how many bracket B will we need next week',
      'forecast of the spare bearing demand',
      'expected demand for bracket C over the next weeks',
    ],
    keywords: /\b(forecast|demand|need next|expected demand)\b/,
    async run(ctx) {
      const item = await requireItem(ctx);
      const { forecasts } = await ctx.tool<{
        forecasts: {
          id: string;
          model: string;
          firstTs: number;
          period: string;
          mean: number[];
          lower: Record<string, number[]>;
          upper: Record<string, number[]>;
        }[];
      }>('forecasts.list', { item: item.id, limit: 1 });
      const f = forecasts[0];
      if (!f) return `${item.name ?? item.id} has no forecast yet; a planner can run one (forecasts.run).`;
      ctx.cite({
        source: 'forecasts.list',
        item: item.id,
        ref: f.id,
        from: f.firstTs,
        label: `forecast ${f.id} of ${item.id} (${f.model}) from ${iso(f.firstTs)}`,
      });
      const next = f.mean[0] ?? 0;
      const lo = f.lower['80']?.[0];
      const hi = f.upper['80']?.[0];
      const total = f.mean.reduce((s, v) => s + v, 0);
      return `${item.name ?? item.id}: ${fmt(next)} ${item.unit} expected in the ${f.period} from ${iso(f.firstTs).slice(0, 10)}${lo !== undefined && hi !== undefined ? ` (80 % interval ${fmt(lo)}–${fmt(hi)})` : ''}; ${fmt(total)} ${item.unit} over the ${f.mean.length} ${f.period}s forecast (model ${f.model}).`;
    },
  },
  {
    name: 'inventory',
    examples: [
      'should we order more bracket A',
      'how much bracket B should I reorder',
      'what is the reorder point of the spare bearing',
      'do we have enough stock of bracket C',
    ],
    keywords: /\b(reorder|order more|stock|safety stock|how much .* order|enough)\b/,
    async run(ctx) {
      const item = await requireItem(ctx);
      const policy = await ctx.tool<{ forecast: string; recommendation: string; s?: number; S: number }>(
        'inventory.policy',
        // The usual target unless the question names one: a 95 % cycle service level.
        { item: item.id, cycleServiceLevel: serviceLevel(ctx.question) },
      );
      ctx.cite({
        source: 'inventory.policy',
        item: item.id,
        ref: policy.forecast,
        label: `stocking policy of ${item.id} for a ${Math.round(serviceLevel(ctx.question) * 1000) / 10} % cycle service level, from forecast ${policy.forecast} and the latest stock`,
      });
      return policy.recommendation;
    },
  },
];

/** Nakajima's losses in plant words. */
const LOSS_WORDS: Readonly<Record<string, string>> = {
  breakdowns: 'breakdowns',
  setupAndAdjustments: 'setups and adjustments',
  waiting: 'waiting',
  idlingAndMinorStops: 'minor stops',
  reducedSpeed: 'reduced speed',
  processDefects: 'defects',
  reducedYield: 'startup rejects',
};

/** The operations each intent answers with: a model is offered these first for a question like the intent's. */
export const INTENT_TOOLS: Readonly<Record<string, readonly string[]>> = {
  latest_value: ['samples.latest', 'tags.list'],
  window_stats: ['samples.buckets', 'tags.list'],
  active_alarms: ['events.list'],
  stops: ['events.list', 'graph.failures'],
  failure_knowledge: ['graph.failures', 'documents.search', 'fmea.list'],
  documents: ['documents.search', 'documents.get'],
  capability: ['quality.capability', 'spc.charts.list'],
  oee: ['oee.live', 'oee.report'],
  models: ['models.list', 'models.get'],
  work_orders: ['workorders.list'],
  forecast: ['forecasts.list', 'items.list'],
  inventory: ['inventory.policy', 'items.list'],
};

/** Imperatives that would change the plant or its records: the router declines them. */
export const ACTION =
  /^\s*(please\s+)?(acknowledge|ack|create|open (a|an|new)\b|close|assign|set|change|increase|decrease|raise|lower|adjust|stop|start|restart|shut|turn|delete|remove|apply|approve|reject|reschedule|write|deploy|train|reset|clear)\b/i;

export interface RouterOptions {
  /** Sentence embeddings for matching; without one, keyword cues alone choose. */
  readonly embedder?: Embedder;
}

/** The router: create once (it embeds the intents' examples on first use), ask many times. */
export class SemanticRouter {
  readonly #embedder: Embedder | undefined;
  #examples: Promise<{ intent: Intent; vectors: Float32Array[] }[]> | undefined;

  constructor(options: RouterOptions = {}) {
    this.#embedder = options.embedder;
  }

  /** What the router can answer, in words (for "I cannot answer that" and help). */
  static capabilities(): string {
    return 'the current value, average, minimum or peak of a machine signal over a time window; active alarms; what stopped a machine and for how long; the process capability (Cpk, Ppk) of a dimension; which models are deployed and how good they are; what failed, its FMEA rows and what the manual says about it; what the manuals and instructions say; open work orders; an item’s demand forecast and whether to reorder';
  }

  async #exampleVectors(): Promise<{ intent: Intent; vectors: Float32Array[] }[]> {
    const embedder = this.#embedder;
    if (embedder === undefined) return INTENTS.map((intent) => ({ intent, vectors: [] }));
    this.#examples ??= (async () => {
      const all = INTENTS.flatMap((i) => i.examples);
      const vectors = await embedder.embed(all);
      let k = 0;
      return INTENTS.map((intent) => ({
        intent,
        vectors: intent.examples.map(() => vectors[k++] ?? new Float32Array()),
      }));
    })();
    return this.#examples;
  }

  /** Intents with their scores for a question, best first. */
  async rank(question: string): Promise<{ intent: string; score: number; similarity: number }[]> {
    const examples = await this.#exampleVectors();
    const q = this.#embedder === undefined ? undefined : (await this.#embedder.embed([question]))[0];
    const lower = question.toLowerCase();
    return examples
      .map(({ intent, vectors }) => {
        const similarity = q === undefined ? 0.4 : Math.max(0, ...vectors.map((v) => cosineSimilarity(q, v)));
        const cue = intent.keywords.test(lower) ? KEYWORD_BONUS : 0;
        const veto = intent.not?.test(lower) ? 0.3 : 0;
        return {
          intent: intent.name,
          score: Math.max(0, Math.min(1, similarity + cue - veto)),
          similarity: q === undefined ? 1 : similarity,
        };
      })
      .sort((a, b) => b.score - a.score);
  }

  async ask(question: string, invoke: Invoke, now: number): Promise<AssistantAnswer> {
    const citations: Citation[] = [];
    const toolCalls: ToolCallRecord[] = [];
    const base = { question, mode: 'router' as const, citations, toolCalls };
    if (ACTION.test(question)) {
      return {
        ...base,
        answer:
          'I only read the plant’s data; I do not change anything. Acknowledging alarms, creating work orders, changing setpoints or applying schedules is done by a person with the right role (dashboard, CLI or API), and every such change is audited.',
        confidence: 1,
        declined: true,
      };
    }
    const tool = async <T>(name: string, input: unknown): Promise<T> => {
      const started = performance.now();
      try {
        const out = (await invoke(name, input)) as T;
        toolCalls.push({ name, input, ok: true, ms: Math.round(performance.now() - started) });
        return out;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        toolCalls.push({
          name,
          input,
          ok: false,
          ms: Math.round(performance.now() - started),
          error: message,
        });
        throw error;
      }
    };
    let assets: Promise<readonly Asset[]> | undefined;
    let items: Promise<readonly Item[]> | undefined;
    const tagCache = new Map<string, Promise<readonly Tag[]>>();
    const ctx: Context = {
      question,
      now,
      tool,
      assets: () => (assets ??= tool<{ assets: Asset[] }>('assets.list', {}).then((r) => r.assets)),
      tagsOf: (asset) => {
        let tags = tagCache.get(asset);
        if (!tags) {
          tags = tool<{ tags: Tag[] }>('tags.list', { under: asset }).then((r) => r.tags);
          tagCache.set(asset, tags);
        }
        return tags;
      },
      items: () => (items ??= tool<{ items: Item[] }>('items.list', {}).then((r) => r.items)),
      cite: (c) => citations.push(c),
    };
    const ranked = await this.rank(question);
    const best = ranked[0];
    const intent = INTENTS.find((i) => i.name === best?.intent);
    if (best === undefined || intent === undefined || best.score < MIN_CONFIDENCE) {
      return {
        ...base,
        answer: `I cannot answer that from the plant’s data. I can tell you ${SemanticRouter.capabilities()}.`,
        confidence: best?.score ?? 0,
        declined: true,
      };
    }
    try {
      const answer = await intent.run(ctx);
      return { ...base, answer, intent: intent.name, confidence: best.score, declined: false };
    } catch (error) {
      if (error instanceof NeedSlot) {
        return {
          ...base,
          answer: error.message,
          intent: intent.name,
          confidence: best.score,
          declined: false,
        };
      }
      throw error;
    }
  }
}
