/**
 * Tabu search for the plant model (flexible job shop with setups, calendars, releases, due dates) on the
 * critical-path neighbourhoods of the flexible job shop (Mastrolilli & Gambardella, J. Scheduling 3(1), 2000):
 * an operation on a critical path is moved to another machine that can run it (inserted where its start time
 * falls), or moved within its critical block — swapped with its neighbour (van Laarhoven, Aarts & Lenstra, Oper.
 * Res. 40(1), 1992) or moved to the block's start or end (Zhang et al., Computers & OR 34(11), 2007). Because
 * setups, calendars and releases break the classical acyclicity theorems, every neighbour is decoded in full and
 * a neighbour whose sequences contradict a routing is simply skipped. Critical paths are traced back from the
 * operation that ends last (makespan) and from the last operations of the most tardy jobs (tardiness); when
 * rescheduling, also from operations that moved, and an operation held by its old start may be released.
 */
import { UnexpectedError } from '../../domain/errors.js';
import { seededRandom } from '../random.js';
import { type CompiledPlan, type PlanSolution, Decoded, cloneSolution } from './plan-decoder.js';

export interface PlanSolveOptions {
  /** Stop after this much time by `now` (then the result depends on the machine's speed). */
  timeLimitMs?: number;
  /** Stop after this many moves; with no time limit the result is a function of problem, options and seed. */
  maxIterations?: number;
  /** Seed of the search's random choices (tie breaks, tenures, perturbations); default 1. */
  seed?: number;
  /** Checked every move; an aborted search returns its best schedule so far with `stopped: 'cancelled'`. */
  signal?: AbortSignal;
  /** Called on each new best, and every 256 moves. */
  onProgress?: (p: { elapsedMs: number; iteration: number; best: number }) => void;
  /** Injectable clock for the time limit; default Date.now. */
  now?: () => number;
}

/**
 * Why a search stopped: its time or iteration limit ('iterations' also when no move remained), cancellation, or
 * an objective equal to the lower bound.
 */
export type PlanStopReason = 'time' | 'iterations' | 'cancelled' | 'optimal';

/**
 * Moves when neither a time limit nor an iteration limit is given: 5 000 for small problems, fewer for large ones
 * (every move decodes up to 160 neighbours in full), never below 200 — about a second or two on a laptop.
 */
export function defaultPlanIterations(operationCount: number): number {
  return Math.max(200, Math.min(5_000, Math.floor(200_000 / Math.max(1, operationCount))));
}
/** Most neighbours decoded per move; larger neighbourhoods are sampled. */
const MAX_CANDIDATES = 160;

export interface SearchOutcome {
  readonly solution: PlanSolution;
  readonly decoded: Decoded;
  readonly iterations: number;
  readonly elapsedMs: number;
  readonly history: readonly { elapsedMs: number; best: number }[];
  readonly stopped: PlanStopReason;
}

/** A neighbour: operation `o` goes to machine `m` at index `index` (in the sequence without `o`); m = −1 releases its anchor. */
interface Move {
  o: number;
  m: number;
  index: number;
}

class PlanTabuSearch {
  private readonly c: CompiledPlan;
  private readonly n: number;
  private readonly cur: PlanSolution;
  private readonly dec: Decoded;
  private readonly trial: Decoded;
  private best: PlanSolution;
  bestTotal: number;
  private readonly random: () => number;
  private readonly tabu = new Map<number, number>();
  private readonly fixedCount: Int32Array;
  private readonly isFixed: Uint8Array;
  private readonly tenureBase: number;
  private readonly maxStagnation: number;
  iteration = 0;
  private lastImprovement = 0;

  constructor(c: CompiledPlan, initial: PlanSolution, seed: number) {
    this.c = c;
    this.n = c.opCount;
    this.cur = cloneSolution(initial);
    this.dec = new Decoded(c);
    this.trial = new Decoded(c);
    if (!this.dec.decode(this.cur))
      throw new UnexpectedError('the initial plan contradicts a routing (cyclic machine sequences)');
    this.best = cloneSolution(this.cur);
    this.bestTotal = this.dec.total;
    this.random = seededRandom(seed);
    this.isFixed = new Uint8Array(this.n);
    for (let o = 0; o < this.n; o++) if (c.context?.fixed[o] !== undefined) this.isFixed[o] = 1;
    this.fixedCount = Int32Array.from(this.cur.sequences, (seq) => {
      let k = 0;
      while (k < seq.length && this.isFixed[seq[k] as number] === 1) k++;
      return k;
    });
    this.tenureBase = Math.max(2, Math.round(Math.sqrt(this.n) / 2));
    this.maxStagnation = Math.max(200, 4 * this.n);
  }

  bestSolution(): { solution: PlanSolution; decoded: Decoded } {
    const decoded = new Decoded(this.c);
    decoded.decode(this.best);
    return { solution: this.best, decoded };
  }

  /** The critical path ending at `end`, in time order. */
  private path(end: number): number[] {
    const out = [end];
    let x = this.dec.bind[end] as number;
    while (x >= 0 && out.length <= this.n) {
      out.push(x);
      x = this.dec.bind[x] as number;
    }
    return out.reverse();
  }

  private pathEnds(): number[] {
    const c = this.c;
    const d = this.dec;
    const ends: number[] = [];
    if (c.wMakespan > 0 && d.lastOp >= 0) ends.push(d.lastOp);
    if (c.wTardiness > 0) {
      const tardy: { o: number; late: number }[] = [];
      for (let j = 0; j < c.jobCount; j++) {
        const last = (c.jobStart[j + 1] as number) - 1;
        const late = ((d.end[last] as number) - (c.due[j] as number)) * (c.weight[j] as number);
        if (late > 0) tardy.push({ o: last, late });
      }
      tardy.sort((a, b) => b.late - a.late || a.o - b.o);
      for (const t of tardy.slice(0, 3)) ends.push(t.o);
      const extra = tardy[3 + Math.floor(this.random() * Math.max(0, tardy.length - 3))];
      if (extra !== undefined) ends.push(extra.o);
    }
    const ctx = c.context;
    if (ctx !== undefined) {
      const moved: number[] = [];
      for (let o = 0; o < this.n; o++)
        if ((ctx.oldMachine[o] as number) >= 0 && d.start[o] !== ctx.oldStart[o]) moved.push(o);
      for (let k = 0; k < 2 && moved.length > 0; k++)
        ends.push(moved[Math.floor(this.random() * moved.length)] as number);
    }
    return ends;
  }

  private neighbours(): Move[] {
    const c = this.c;
    const d = this.dec;
    const seqs = this.cur.sequences;
    const moves: Move[] = [];
    const seen = new Set<number>();
    const add = (o: number, m: number, index: number): void => {
      if (this.isFixed[o] === 1) return;
      if (m >= 0) {
        const seq = seqs[m] as number[];
        const own = this.cur.assign[o] === m;
        if (index < (this.fixedCount[m] as number) || index > seq.length - (own ? 1 : 0)) return;
        if (own && seq[index] === o) return; // no change
      }
      const key = (o * (c.machineCount + 1) + m + 1) * (this.n + 2) + index + 1;
      if (seen.has(key)) return;
      seen.add(key);
      moves.push({ o, m, index });
    };
    /** Index for "o just before x" / "just after x" on x's machine, in the sequence without o. */
    const indexNear = (o: number, x: number, after: boolean): number => {
      const seq = seqs[this.cur.assign[x] as number] as number[];
      const ix = seq.indexOf(x);
      const io = this.cur.assign[o] === this.cur.assign[x] ? seq.indexOf(o) : -1;
      return ix + (after ? 1 : 0) - (io >= 0 && io < ix ? 1 : 0);
    };
    for (const end of this.pathEnds()) {
      const path = this.path(end);
      // critical blocks: runs of path operations each held by the previous one on the same machine
      let blockStart = 0;
      for (let i = 0; i <= path.length; i++) {
        const o = path[i];
        const chained = o !== undefined && i > blockStart && d.machPrev[o] === path[i - 1];
        if (chained) continue;
        const block = path.slice(blockStart, i);
        blockStart = i;
        if (block.length < 2) continue;
        const first = block[0] as number;
        const last = block[block.length - 1] as number;
        const m = this.cur.assign[first] as number;
        for (let k = 0; k < block.length; k++) {
          const b = block[k] as number;
          const next = block[k + 1];
          if (next !== undefined) add(next, m, indexNear(next, b, false));
          if (k > 0) add(b, m, indexNear(b, first, false));
          if (k < block.length - 1) add(b, m, indexNear(b, last, true));
        }
      }
      for (const o of path) {
        if (d.anchorBound[o] === 1) add(o, -1, 0);
        const alts = c.alternatives[o] as Int32Array;
        if (alts.length < 2) continue;
        const t = d.start[o] as number;
        for (const m of alts) {
          if (m === this.cur.assign[o]) continue;
          const seq = seqs[m] as number[];
          let i = 0;
          while (i < seq.length && (d.start[seq[i] as number] as number) < t) i++;
          for (const index of [i - 1, i, i + 1]) add(o, m, index);
        }
      }
    }
    if (moves.length <= MAX_CANDIDATES) return moves;
    for (let i = 0; i < MAX_CANDIDATES; i++) {
      const k = i + Math.floor(this.random() * (moves.length - i));
      const t = moves[i] as Move;
      moves[i] = moves[k] as Move;
      moves[k] = t;
    }
    moves.length = MAX_CANDIDATES;
    return moves;
  }

  private tabuKey(o: number, m: number, pred: number): number {
    return (o * this.c.machineCount + m) * (this.n + 1) + pred + 1;
  }

  /** Applies a move; returns what undo needs and the (op, machine, predecessor) triples it creates and breaks. */
  private apply(mv: Move): { undo: () => void; created: number[]; broken: number[] } {
    const sol = this.cur;
    const o = mv.o;
    const wasAnchored = sol.anchored[o] as number;
    if (mv.m < 0) {
      sol.anchored[o] = 0;
      return { undo: () => (sol.anchored[o] = wasAnchored), created: [], broken: [] };
    }
    const from = sol.assign[o] as number;
    const fromSeq = sol.sequences[from] as number[];
    const at = fromSeq.indexOf(o);
    const oldPred = fromSeq[at - 1] ?? -1;
    const oldNext = fromSeq[at + 1];
    fromSeq.splice(at, 1);
    const toSeq = sol.sequences[mv.m] as number[];
    toSeq.splice(mv.index, 0, o);
    sol.assign[o] = mv.m;
    sol.anchored[o] = 0;
    const newPred = toSeq[mv.index - 1] ?? -1;
    const newNext = toSeq[mv.index + 1];
    const created = [this.tabuKey(o, mv.m, newPred)];
    const broken = [this.tabuKey(o, from, oldPred)];
    if (newNext !== undefined) {
      created.push(this.tabuKey(newNext, mv.m, o));
      broken.push(this.tabuKey(newNext, mv.m, newPred));
    }
    if (oldNext !== undefined) {
      created.push(this.tabuKey(oldNext, from, oldPred));
      broken.push(this.tabuKey(oldNext, from, o));
    }
    return {
      undo: () => {
        toSeq.splice(mv.index, 1);
        fromSeq.splice(at, 0, o);
        sol.assign[o] = from;
        sol.anchored[o] = wasAnchored;
      },
      created,
      broken,
    };
  }

  private isTabu(created: readonly number[]): boolean {
    for (const k of created) if ((this.tabu.get(k) ?? -1) > this.iteration) return true;
    return false;
  }

  /** One move of the search; returns false when no neighbour could be decoded. */
  step(): boolean {
    this.iteration++;
    const moves = this.neighbours();
    let chosen: Move | undefined;
    let chosenTotal = Infinity;
    let ties = 0;
    let fallback: Move | undefined;
    let feasible = 0;
    for (const mv of moves) {
      const { undo, created } = this.apply(mv);
      this.trial.decode(this.cur);
      const total = this.trial.total;
      const tabu = this.isTabu(created);
      undo();
      if (total === Infinity) continue;
      feasible++;
      if (this.random() * feasible < 1) fallback = mv;
      if (tabu && total >= this.bestTotal) continue;
      if (total < chosenTotal) {
        chosen = mv;
        chosenTotal = total;
        ties = 1;
      } else if (total === chosenTotal && this.random() * ++ties < 1) chosen = mv;
    }
    const mv = chosen ?? fallback;
    if (mv === undefined) return false;
    const { broken } = this.apply(mv);
    const tenure = this.tenureBase + Math.floor(this.random() * (this.tenureBase + 1));
    for (const k of broken) this.tabu.set(k, this.iteration + tenure);
    this.dec.decode(this.cur);
    if (this.dec.total < this.bestTotal) {
      this.bestTotal = this.dec.total;
      this.best = cloneSolution(this.cur);
      this.lastImprovement = this.iteration;
      return true;
    }
    if (this.iteration - this.lastImprovement > this.maxStagnation) this.perturb();
    return true;
  }

  /** Back to the best solution, then a few random critical moves (a restart that keeps what was learnt). */
  perturb(): void {
    const best = this.best;
    this.cur.assign.set(best.assign);
    this.cur.anchored.set(best.anchored);
    best.sequences.forEach((s, m) => {
      const seq = this.cur.sequences[m] as number[];
      seq.length = 0;
      seq.push(...s);
    });
    this.tabu.clear();
    this.lastImprovement = this.iteration;
    this.dec.decode(this.cur);
    const kicks = 2 + Math.floor(this.random() * 3);
    for (let k = 0; k < kicks; k++) {
      const moves = this.neighbours();
      for (let tries = 0; tries < 8 && moves.length > 0; tries++) {
        const mv = moves[Math.floor(this.random() * moves.length)] as Move;
        const { undo } = this.apply(mv);
        if (this.dec.decode(this.cur)) break;
        undo();
        this.dec.decode(this.cur);
      }
    }
  }
}

/**
 * Runs the tabu search from `initial` until the iteration or time limit, cancellation, or `total ≤ lowerBound`.
 * Deterministic for a seed when only `maxIterations` bounds it.
 */
export function runPlanSearch(
  c: CompiledPlan,
  initial: PlanSolution,
  options: PlanSolveOptions,
  lowerBound: number,
): SearchOutcome {
  const now = options.now ?? Date.now;
  const t0 = now();
  const elapsed = (): number => now() - t0;
  const maxIterations =
    options.maxIterations ??
    (options.timeLimitMs === undefined ? defaultPlanIterations(c.opCount) : Infinity);
  const search = new PlanTabuSearch(c, initial, options.seed ?? 1);
  const history: { elapsedMs: number; best: number }[] = [{ elapsedMs: elapsed(), best: search.bestTotal }];
  options.onProgress?.({ elapsedMs: history[0]?.elapsedMs ?? 0, iteration: 0, best: search.bestTotal });
  let stopped: PlanStopReason = 'iterations';
  let stuck = 0;
  while (true) {
    if (search.bestTotal <= lowerBound) {
      stopped = 'optimal';
      break;
    }
    if (options.signal?.aborted === true) {
      stopped = 'cancelled';
      break;
    }
    if (search.iteration >= maxIterations) {
      stopped = 'iterations';
      break;
    }
    if (options.timeLimitMs !== undefined && elapsed() >= options.timeLimitMs) {
      stopped = 'time';
      break;
    }
    const before = search.bestTotal;
    if (search.step()) stuck = 0;
    else if (++stuck > 3)
      break; // no neighbour can be decoded, even after perturbing: nothing left to try
    else search.perturb();
    if (search.bestTotal < before) {
      const point = { elapsedMs: elapsed(), best: search.bestTotal };
      history.push(point);
      options.onProgress?.({ ...point, iteration: search.iteration });
    } else if (search.iteration % 256 === 0)
      options.onProgress?.({ elapsedMs: elapsed(), iteration: search.iteration, best: search.bestTotal });
  }
  const { solution, decoded } = search.bestSolution();
  return { solution, decoded, iterations: search.iteration, elapsedMs: elapsed(), history, stopped };
}
