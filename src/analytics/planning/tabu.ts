/**
 * Tabu search for the classical job shop (minimise makespan) on the critical-block neighbourhood N7 of Zhang, Li,
 * Guan & Rao (Computers & OR 34(11), 2007), which extends N5 (Nowicki & Smutnicki, Management Science 42(6), 1996)
 * and N6 (Balas & Vazacopoulos, Management Science 44(2), 1998): an operation of a critical block is moved to the
 * block's start or end, or the block's first or last operation is moved inside the block. Moves are ranked by the
 * heads/tails estimate of Balas & Vazacopoulos (1998, §3), kept acyclic by their Theorems 1–2, made tabu by the
 * operation pairs they reverse, with aspiration by the best makespan; on stagnation the search jumps back to an
 * elite solution (the back-jump idea of i-TSAB, Nowicki & Smutnicki, J. Scheduling 8, 2005): either a short step of
 * path relinking towards another elite solution (Peng, Lü & Cheng, Computers & OR 53, 2015) or a few random swaps.
 * Heads and tails are updated incrementally after each move (only the moved operations' topological window is
 * re-sorted).
 *
 * Pure and synchronous: one call runs one seeded search. To use several cores, run independent searches with
 * different seeds (in worker threads, in the server layer or a benchmark) and keep the best — `solveJobShop` is a
 * plain function of serialisable input for that reason.
 */
import { OperationalError, UserError } from '../../domain/errors.js';
import { seededRandom } from '../random.js';
import { lowerBounds } from './bounds.js';
import { bestDispatchFlat } from './dispatch.js';
import { type JobShopInstance, type OperationRef } from './instance.js';
import {
  type FlatInstance,
  type GraphScratch,
  type JobShopSchedule,
  flattenInstance,
  graphScratch,
  headFrom,
  headsAndTails,
  linkSequences,
  sequencesFromLinks,
  tailFrom,
  toSchedule,
} from './schedule.js';

/** The best makespan at a moment of the search. */
export interface ProgressPoint {
  readonly iteration: number;
  readonly elapsedMs: number;
  readonly makespan: number;
}

export interface SolveOptions {
  /** Seed of the search's random choices (tie breaks, tenures, perturbations); default 1. */
  readonly seed?: number;
  /** Stop after this much wall time (then the result depends on the machine's speed). */
  readonly timeLimitMs?: number;
  /** Stop after this many moves: with no time limit, the result is a function of instance, options and seed. */
  readonly maxIterations?: number;
  /** Stop as soon as the makespan is at most this (e.g. a best-known value, to measure time to target). */
  readonly target?: number;
  /** Checked every few hundred moves; an aborted search returns its best schedule so far. */
  readonly signal?: AbortSignal;
  /** Called on each new best makespan, and at least every `progressEveryMs` while searching. */
  readonly onProgress?: (progress: ProgressPoint) => void;
  readonly progressEveryMs?: number;
  /** Machine sequences to start from instead of the best dispatching rule (a warm start when rescheduling). */
  readonly initial?: readonly (readonly OperationRef[])[];
  /** Moves without a new best before jumping back to an elite solution; default scales with the instance. */
  readonly maxStagnation?: number;
  /**
   * Base tabu tenure L: a reversed pair stays tabu for a random L..1.5L moves; default 10 + jobs/machines
   * (Zhang et al. 2007).
   */
  readonly tenure?: number;
  /** Millisecond clock; default `performance.now`. */
  readonly now?: () => number;
}

export type StopReason = 'optimal' | 'target' | 'time' | 'iterations' | 'cancelled';

export interface SolveResult {
  readonly makespan: number;
  /** max(job, machine, one-machine preemptive) bound: `makespan === lowerBound` proves optimality. */
  readonly lowerBound: number;
  readonly schedule: JobShopSchedule;
  readonly iterations: number;
  readonly elapsedMs: number;
  /** Elapsed time when the final best makespan was first found. */
  readonly timeToBestMs: number;
  /** Every improvement of the best makespan, in order (the first is the constructive start). */
  readonly history: readonly ProgressPoint[];
  readonly stoppedBy: StopReason;
}

const DEFAULT_ITERATIONS = 100_000;
const ELITE_SIZE = 8;

interface Elite {
  makespan: number;
  machPrev: Int32Array;
  machNext: Int32Array;
}

/** One seeded tabu search over the machine arcs of a flat instance; `run` advances it. */
export class TabuSearch {
  readonly flat: FlatInstance;
  readonly lowerBound: number;
  iterations = 0;
  bestMakespan: number;
  readonly history: ProgressPoint[] = [];
  private readonly n: number;
  private readonly machPrev: Int32Array;
  private readonly machNext: Int32Array;
  private readonly bestPrev: Int32Array;
  private readonly bestNext: Int32Array;
  private readonly g: GraphScratch;
  private readonly tabu: Int32Array;
  private readonly path: Int32Array;
  private readonly segOps: Int32Array;
  private readonly segHeads: Int32Array;
  /** Position of each operation in `g.order`, and scratch for the incremental re-sort. */
  private readonly position: Int32Array;
  private readonly queue: Int32Array;
  private readonly stamp: Int32Array;
  private stampEpoch = 0;
  private readonly jobLast: Int32Array;
  private readonly random: () => number;
  private readonly tenureBase: number;
  private readonly maxStagnation: number;
  private readonly elite: Elite[] = [];
  /** The best solution of the current walk (since the last jump): the walk's candidate for the elite pool. */
  private roundBest = Infinity;
  private readonly roundPrev: Int32Array;
  private readonly roundNext: Int32Array;
  /** Scratch for path relinking: each operation's position in the guiding solution's machine sequence. */
  private readonly guidePosition: Int32Array;
  private current: number;
  private lastImprovement = 0;
  private tabuEpoch = 0;
  private pathLength = 0;
  // the chosen move
  private moveA = 0;
  private moveB = 0;
  private moveForward = true;

  constructor(
    flat: FlatInstance,
    options: {
      seed: number;
      lowerBound: number;
      initial?: readonly ArrayLike<number>[];
      maxStagnation?: number;
      tenure?: number;
    },
  ) {
    this.flat = flat;
    this.n = flat.operationCount;
    this.lowerBound = options.lowerBound;
    this.random = seededRandom(options.seed);
    const start = options.initial ?? bestDispatchFlat(flat, { random: this.random, randomRuns: 2 }).sequences;
    const links = linkSequences(flat, start);
    this.machPrev = links.machPrev;
    this.machNext = links.machNext;
    this.g = graphScratch(this.n);
    this.current = headsAndTails(flat, this.machPrev, this.machNext, this.g);
    if (this.current < 0) throw new UserError('invalid_input', 'the initial machine sequences are cyclic');
    this.bestMakespan = this.current;
    this.bestPrev = this.machPrev.slice();
    this.bestNext = this.machNext.slice();
    this.tabu = new Int32Array(this.n * this.n);
    this.path = new Int32Array(this.n);
    this.segOps = new Int32Array(this.n);
    this.segHeads = new Int32Array(this.n);
    this.position = new Int32Array(this.n);
    this.roundPrev = new Int32Array(this.n);
    this.roundNext = new Int32Array(this.n);
    this.guidePosition = new Int32Array(this.n);
    this.queue = new Int32Array(this.n);
    this.stamp = new Int32Array(this.n);
    this.jobLast = Int32Array.from({ length: flat.jobCount }, (_, j) => (flat.jobStart[j + 1] as number) - 1);
    this.full();
    this.tenureBase = options.tenure ?? 10 + Math.floor(flat.jobCount / Math.max(1, flat.machineCount));
    // measured on ft10, ta11, ta21, ta31 (15 s runs): about n²/6 moves, so longer walks on larger instances, did best
    this.maxStagnation =
      options.maxStagnation ?? Math.min(30_000, Math.max(2_000, Math.round((this.n * this.n) / 6)));
    this.addElite();
  }

  /** The best machine sequences found (operation ids) and their heads. */
  best(): { sequences: Int32Array[]; heads: Int32Array; makespan: number } {
    const g = graphScratch(this.n);
    const makespan = headsAndTails(this.flat, this.bestPrev, this.bestNext, g);
    return {
      sequences: sequencesFromLinks(this.flat, this.bestPrev, this.bestNext),
      heads: g.heads,
      makespan,
    };
  }

  /** True when the best makespan equals the lower bound, or no move exists (a single-job critical path). */
  get optimal(): boolean {
    return this.bestMakespan <= this.lowerBound;
  }

  /**
   * Runs up to `iterations` moves, stopping early at `shouldStop()` (polled every 64 moves) or optimality.
   * Calls `onImprove` with each new best. Returns the moves made.
   */
  run(iterations: number, shouldStop: () => boolean, onImprove: (makespan: number) => void): number {
    let done = 0;
    while (done < iterations && !this.optimal) {
      if ((done & 63) === 0 && shouldStop()) break;
      done++;
      this.iterations++;
      if (!this.step()) {
        // every move is inadmissible (cycle risk): restart elsewhere
        this.jump();
        continue;
      }
      if (this.current < this.bestMakespan) {
        this.bestMakespan = this.current;
        this.bestPrev.set(this.machPrev);
        this.bestNext.set(this.machNext);
        this.lastImprovement = this.iterations;
        onImprove(this.current);
      } else if (this.iterations - this.lastImprovement > this.maxStagnation) {
        this.jump();
      }
    }
    return done;
  }

  /** Finds one critical path (sink to source), stored forwards in `path`. */
  private criticalPath(): void {
    const { heads, tails } = this.g;
    const { duration: d, jobPrev } = this.flat;
    const machPrev = this.machPrev;
    const n = this.n;
    const cmax = this.current;
    let o = -1;
    const offset = Math.floor(this.random() * n);
    for (let k = 0; k < n; k++) {
      const c = (k + offset) % n;
      if (tails[c] === 0 && (heads[c] as number) + (d[c] as number) === cmax) {
        o = c;
        break;
      }
    }
    let len = 0;
    while (o !== -1) {
      this.path[len++] = o;
      const h = heads[o] as number;
      if (h === 0) break;
      const mp = machPrev[o] as number;
      const jp = jobPrev[o] as number;
      const mTight = mp !== -1 && (heads[mp] as number) + (d[mp] as number) === h;
      const jTight = jp !== -1 && (heads[jp] as number) + (d[jp] as number) === h;
      o = mTight && (!jTight || this.random() < 0.5) ? mp : jTight ? jp : -1;
    }
    // reverse in place
    for (let i = 0, j = len - 1; i < j; i++, j--) {
      const t = this.path[i] as number;
      this.path[i] = this.path[j] as number;
      this.path[j] = t;
    }
    this.pathLength = len;
  }

  /**
   * Balas–Vazacopoulos estimate of the makespan after moving path[a] after path[b] (forward) or path[b] before
   * path[a] (backward): the longest path through the moved segment with the new heads and tails of its operations
   * computed from the unchanged heads/tails around it. Returns -1 when the move may create a cycle.
   */
  private estimate(a: number, b: number, forward: boolean): number {
    const { heads, tails } = this.g;
    const { duration: d, jobPrev, jobNext } = this.flat;
    const path = this.path;
    const u = path[a] as number;
    const v = path[b] as number;
    if (b > a + 1) {
      if (forward) {
        // Theorem 1: acyclic when L(v, n) >= L(JS(u), n), L(x, n) = p_x + q_x
        const js = jobNext[u] as number;
        if (js !== -1 && (tails[v] as number) + (d[v] as number) < (tails[js] as number) + (d[js] as number))
          return -1;
      } else {
        // Theorem 2: acyclic when L(0, u) + p_u >= L(0, JP(v)) + p_JP(v)
        const jp = jobPrev[v] as number;
        if (jp !== -1 && (heads[u] as number) + (d[u] as number) < (heads[jp] as number) + (d[jp] as number))
          return -1;
      }
    }
    const seg = this.segOps;
    const m = b - a + 1;
    if (forward) {
      for (let t = 0; t < m - 1; t++) seg[t] = path[a + 1 + t] as number;
      seg[m - 1] = u;
    } else {
      seg[0] = v;
      for (let t = 1; t < m; t++) seg[t] = path[a + t - 1] as number;
    }
    const prev = this.machPrev[u] as number;
    const next = this.machNext[v] as number;
    let r = prev === -1 ? 0 : (heads[prev] as number) + (d[prev] as number);
    for (let t = 0; t < m; t++) {
      const w = seg[t] as number;
      const jp = jobPrev[w] as number;
      if (jp !== -1) {
        const x = (heads[jp] as number) + (d[jp] as number);
        if (x > r) r = x;
      }
      this.segHeads[t] = r;
      r += d[w] as number;
    }
    let q = next === -1 ? 0 : (tails[next] as number) + (d[next] as number);
    let est = 0;
    for (let t = m - 1; t >= 0; t--) {
      const w = seg[t] as number;
      const js = jobNext[w] as number;
      if (js !== -1) {
        const x = (tails[js] as number) + (d[js] as number);
        if (x > q) q = x;
      }
      const through = (this.segHeads[t] as number) + (d[w] as number) + q;
      if (through > est) est = through;
      q += d[w] as number;
    }
    return est;
  }

  private isTabu(a: number, b: number, forward: boolean): boolean {
    const path = this.path;
    const n = this.n;
    const tabu = this.tabu;
    const now = this.iterations + this.tabuEpoch;
    if (forward) {
      const u = path[a] as number;
      for (let t = a + 1; t <= b; t++) if ((tabu[(path[t] as number) * n + u] as number) > now) return true;
    } else {
      const v = path[b] as number;
      for (let t = a; t < b; t++) if ((tabu[v * n + (path[t] as number)] as number) > now) return true;
    }
    return false;
  }

  /** Chooses the best admissible N7 move on one critical path; false when there is none. */
  private select(): boolean {
    const path = this.path;
    const len = this.pathLength;
    const { machine } = this.flat;
    let bestEst = Infinity;
    let bestTies = 0;
    let found = false;
    let anyTabu = false;
    let tabuA = 0;
    let tabuB = 0;
    let tabuForward = true;
    let tabuCount = 0;
    const consider = (a: number, b: number, forward: boolean) => {
      const est = this.estimate(a, b, forward);
      if (est < 0) return;
      if (this.isTabu(a, b, forward) && est >= this.bestMakespan) {
        anyTabu = true;
        if (this.random() * ++tabuCount < 1) {
          tabuA = a;
          tabuB = b;
          tabuForward = forward;
        }
        return;
      }
      if (est < bestEst) {
        bestEst = est;
        bestTies = 1;
      } else if (est > bestEst || this.random() * ++bestTies >= 1) return;
      this.moveA = a;
      this.moveB = b;
      this.moveForward = forward;
      found = true;
    };
    let s = 0;
    while (s < len) {
      let e = s;
      while (
        e + 1 < len &&
        machine[path[e + 1] as number] === machine[path[s] as number] &&
        this.machNext[path[e] as number] === path[e + 1]
      )
        e++;
      if (e > s) {
        // forward: the first operation to anywhere later; interior operations to the end
        for (let b = s + 1; b <= e; b++) consider(s, b, true);
        for (let a = s + 1; a < e; a++) consider(a, e, true);
        // backward (non-adjacent; adjacent pairs were swaps above): the last operation to anywhere earlier;
        // interior operations to the start
        for (let a = s; a < e - 1; a++) consider(a, e, false);
        for (let b = s + 2; b < e; b++) consider(s, b, false);
      }
      s = e + 1;
    }
    if (found) return true;
    if (!anyTabu) return false;
    this.moveA = tabuA;
    this.moveB = tabuB;
    this.moveForward = tabuForward;
    return true;
  }

  private unlink(o: number): void {
    const p = this.machPrev[o] as number;
    const q = this.machNext[o] as number;
    if (p !== -1) this.machNext[p] = q;
    if (q !== -1) this.machPrev[q] = p;
  }

  private insertAfter(o: number, p: number): void {
    const q = this.machNext[p] as number;
    this.machPrev[o] = p;
    this.machNext[o] = q;
    this.machNext[p] = o;
    if (q !== -1) this.machPrev[q] = o;
  }

  private insertBefore(o: number, q: number): void {
    const p = this.machPrev[q] as number;
    this.machPrev[o] = p;
    this.machNext[o] = q;
    this.machPrev[q] = o;
    if (p !== -1) this.machNext[p] = o;
  }

  /** Full recomputation of heads, tails and the topological order; -1 on a cycle. */
  private full(): number {
    const makespan = headsAndTails(this.flat, this.machPrev, this.machNext, this.g);
    const order = this.g.order;
    if (makespan >= 0) for (let i = 0; i < this.n; i++) this.position[order[i] as number] = i;
    return makespan;
  }

  /**
   * Heads and tails after a move that reorders operations of one machine whose old topological positions span
   * [from, to]. Only that window needs re-sorting: the move adds arcs only among its operations, and any path
   * between two of them ran through the window; operations before it keep their heads, operations after it keep their
   * tails. The window is re-sorted by Kahn's algorithm (which also detects a cycle), then heads are recomputed forward
   * from `from` and tails backward from `to`. Returns the makespan, or -1 on a cycle.
   */
  private incremental(from: number, to: number): number {
    const { heads, tails, order, indegree } = this.g;
    const { jobPrev, jobNext, duration: d } = this.flat;
    const machPrev = this.machPrev;
    const machNext = this.machNext;
    const n = this.n;
    const stamp = this.stamp;
    const queue = this.queue;
    const epoch = ++this.stampEpoch;
    for (let i = from; i <= to; i++) stamp[order[i] as number] = epoch;
    let tail = 0;
    for (let i = from; i <= to; i++) {
      const o = order[i] as number;
      const jp = jobPrev[o] as number;
      const mp = machPrev[o] as number;
      const deg = (jp !== -1 && stamp[jp] === epoch ? 1 : 0) + (mp !== -1 && stamp[mp] === epoch ? 1 : 0);
      indegree[o] = deg;
      if (deg === 0) queue[tail++] = o;
    }
    let head = 0;
    while (head < tail) {
      const o = queue[head++] as number;
      const js = jobNext[o] as number;
      if (js !== -1 && stamp[js] === epoch) {
        indegree[js] = (indegree[js] as number) - 1;
        if (indegree[js] === 0) queue[tail++] = js;
      }
      const ms = machNext[o] as number;
      if (ms !== -1 && stamp[ms] === epoch) {
        indegree[ms] = (indegree[ms] as number) - 1;
        if (indegree[ms] === 0) queue[tail++] = ms;
      }
    }
    if (tail < to - from + 1) return -1;
    for (let k = 0; k < tail; k++) {
      const o = queue[k] as number;
      order[from + k] = o;
      this.position[o] = from + k;
    }
    for (let i = from; i < n; i++) {
      const o = order[i] as number;
      heads[o] = headFrom(this.flat, machPrev, heads, o);
    }
    for (let i = to; i >= 0; i--) {
      const o = order[i] as number;
      tails[o] = tailFrom(this.flat, machNext, tails, o);
    }
    let makespan = 0;
    for (let j = 0; j < this.jobLast.length; j++) {
      const o = this.jobLast[j] as number;
      const end = (heads[o] as number) + (d[o] as number);
      if (end > makespan) makespan = end;
    }
    return makespan;
  }

  /** Applies the chosen move, records the reversed pairs as tabu, and recomputes heads and tails. */
  private apply(recordTabu: boolean): boolean {
    const path = this.path;
    const a = this.moveA;
    const b = this.moveB;
    const u = path[a] as number;
    const v = path[b] as number;
    const n = this.n;
    const oldPrev = this.machPrev[this.moveForward ? u : v] as number;
    const oldNext = this.machNext[this.moveForward ? u : v] as number;
    if (this.moveForward) {
      this.unlink(u);
      this.insertAfter(u, v);
    } else {
      this.unlink(v);
      this.insertBefore(v, u);
    }
    let from = this.n;
    let to = 0;
    for (let t = a; t <= b; t++) {
      const at = this.position[path[t] as number] as number;
      if (at < from) from = at;
      if (at > to) to = at;
    }
    const makespan = this.incremental(from, to);
    if (makespan < 0) {
      // cannot happen under Theorems 1–2 for moves on a critical path; undo rather than trust it
      const o = this.moveForward ? u : v;
      this.unlink(o);
      if (oldPrev !== -1) this.insertAfter(o, oldPrev);
      else this.insertBefore(o, oldNext);
      this.current = this.full();
      return false;
    }
    if (recordTabu) {
      const until =
        this.iterations +
        this.tabuEpoch +
        this.tenureBase +
        Math.floor(this.random() * (this.tenureBase / 2 + 1));
      if (this.moveForward) for (let t = a + 1; t <= b; t++) this.tabu[u * n + (path[t] as number)] = until;
      else for (let t = a; t < b; t++) this.tabu[(path[t] as number) * n + v] = until;
    }
    this.current = makespan;
    return true;
  }

  private step(): boolean {
    this.criticalPath();
    if (!this.select()) return false;
    this.apply(true);
    if (this.current < this.roundBest) {
      this.roundBest = this.current;
      this.roundPrev.set(this.machPrev);
      this.roundNext.set(this.machNext);
    }
    return true;
  }

  /** Adds the current solution to the elite pool unless it is there already or worse than all of a full pool. */
  private addElite(makespan = this.current, machPrev = this.machPrev, machNext = this.machNext): void {
    const worst = this.elite.reduce((w, e, i, all) => ((all[w]?.makespan ?? 0) >= e.makespan ? w : i), 0);
    if (this.elite.length >= ELITE_SIZE && (this.elite[worst]?.makespan ?? 0) <= makespan) return;
    for (const e of this.elite) if (e.makespan === makespan && equalArrays(e.machNext, machNext)) return;
    const entry = { makespan, machPrev: machPrev.slice(), machNext: machNext.slice() };
    if (this.elite.length < ELITE_SIZE) this.elite.push(entry);
    else this.elite[worst] = entry;
  }

  /**
   * Path relinking (Peng, Lü & Cheng, Computers & OR 53, 2015, after Glover): from the current solution, swap
   * adjacent operations that the guiding solution orders the other way, chosen at random, until `fraction` of the
   * distance (pairs ordered differently) is covered; a swap that would close a cycle is undone.
   */
  private relink(guide: Elite, fraction: number): void {
    const pos = this.guidePosition;
    for (const ops of this.flat.machineOps) {
      let o = -1;
      for (const id of ops) if (guide.machPrev[id] === -1) o = id;
      for (let i = 0; o !== -1; i++, o = guide.machNext[o] as number) pos[o] = i;
    }
    let distance = 0;
    for (const ops of this.flat.machineOps) {
      for (let i = 0; i < ops.length; i++)
        for (let k = i + 1; k < ops.length; k++) {
          const x = ops[i] as number;
          const y = ops[k] as number;
          // x before y here iff position differs in sign from the guide
          if (
            (this.position[x] as number) < (this.position[y] as number) !==
            (pos[x] as number) < (pos[y] as number)
          )
            distance++;
        }
    }
    let steps = Math.floor(distance * fraction);
    let failures = 0;
    while (steps > 0 && failures < 20) {
      let pick = -1;
      let count = 0;
      for (let x = 0; x < this.n; x++) {
        const y = this.machNext[x] as number;
        if (y !== -1 && (pos[x] as number) > (pos[y] as number) && this.random() * ++count < 1) pick = x;
      }
      if (pick === -1) break;
      const y = this.machNext[pick] as number;
      this.unlink(pick);
      this.insertAfter(pick, y);
      if (this.full() < 0) {
        this.unlink(pick);
        this.insertBefore(pick, y);
        failures++;
      } else steps--;
    }
    this.current = this.full();
  }

  /**
   * Back jump at the end of a walk: its best joins the elite pool; the next walk starts either on the path between
   * two elite solutions (path relinking) or from an elite solution perturbed by a few random critical swaps; the
   * tabu list is forgotten.
   */
  private jump(): void {
    if (this.roundBest < Infinity) this.addElite(this.roundBest, this.roundPrev, this.roundNext);
    this.roundBest = Infinity;
    const size = this.elite.length;
    const pick = this.elite[Math.floor(this.random() * size)];
    if (pick !== undefined) {
      this.machPrev.set(pick.machPrev);
      this.machNext.set(pick.machNext);
    }
    this.current = this.full();
    const guide = size > 1 ? this.elite[Math.floor(this.random() * size)] : undefined;
    if (guide !== undefined && guide !== pick) {
      // a short step towards the guide: 30–70 % of the way did no better in 1M-move runs on ta11/ta21
      this.relink(guide, 0.1 + 0.2 * this.random());
    } else {
      const kicks = 2 + Math.floor(this.random() * 4);
      for (let k = 0; k < kicks; k++) {
        this.criticalPath();
        if (!this.randomMove()) break;
        this.apply(false);
      }
    }
    // a new epoch makes every recorded tabu entry expire
    this.tabuEpoch += 1 << 20;
    if (this.tabuEpoch > 1 << 30) {
      this.tabu.fill(0);
      this.tabuEpoch = 0;
    }
    this.lastImprovement = this.iterations;
  }

  /** A uniformly random swap of two adjacent operations of a critical block (always acyclic, N5-style). */
  private randomMove(): boolean {
    const path = this.path;
    const { machine } = this.flat;
    let count = 0;
    for (let i = 0; i + 1 < this.pathLength; i++) {
      const x = path[i] as number;
      const y = path[i + 1] as number;
      if (machine[x] === machine[y] && this.machNext[x] === y && this.random() * ++count < 1) {
        this.moveA = i;
        this.moveB = i + 1;
        this.moveForward = true;
      }
    }
    return count > 0;
  }
}

function equalArrays(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function initialIds(flat: FlatInstance, initial: readonly (readonly OperationRef[])[]): Int32Array[] {
  if (initial.length !== flat.machineCount)
    throw new UserError(
      'invalid_input',
      `initial: expected ${flat.machineCount} machine sequences, got ${initial.length}`,
    );
  return initial.map((seq) => Int32Array.from(seq, (r) => (flat.jobStart[r.job] ?? 0) + r.index));
}

interface Runner {
  readonly search: TabuSearch;
  readonly stop: () => StopReason | undefined;
  readonly finish: (stoppedBy: StopReason) => SolveResult;
  readonly elapsed: () => number;
  readonly onImprove: (makespan: number) => void;
  readonly tick: () => void;
  readonly iterationsLeft: () => number;
}

function runner(instance: JobShopInstance, options: SolveOptions): Runner {
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const elapsed = () => now() - t0;
  const flat = flattenInstance(instance);
  const bound = lowerBounds(instance).value;
  const maxIterations =
    options.maxIterations ??
    (options.timeLimitMs === undefined ? DEFAULT_ITERATIONS : Number.POSITIVE_INFINITY);
  const search = new TabuSearch(flat, {
    seed: options.seed ?? 1,
    lowerBound: bound,
    ...(options.initial === undefined ? {} : { initial: initialIds(flat, options.initial) }),
    ...(options.maxStagnation === undefined ? {} : { maxStagnation: options.maxStagnation }),
    ...(options.tenure === undefined ? {} : { tenure: options.tenure }),
  });
  const history: ProgressPoint[] = [];
  let lastReport = 0;
  const report = (makespan: number) => {
    const point = { iteration: search.iterations, elapsedMs: elapsed(), makespan };
    lastReport = point.elapsedMs;
    options.onProgress?.(point);
    return point;
  };
  history.push(report(search.bestMakespan));
  const every = options.progressEveryMs ?? 1_000;
  const stop = (): StopReason | undefined => {
    if (search.optimal) return 'optimal';
    if (options.target !== undefined && search.bestMakespan <= options.target) return 'target';
    if (options.signal?.aborted === true) return 'cancelled';
    if (search.iterations >= maxIterations) return 'iterations';
    if (options.timeLimitMs !== undefined && elapsed() >= options.timeLimitMs) return 'time';
    return undefined;
  };
  return {
    search,
    stop,
    elapsed,
    onImprove: (makespan) => history.push(report(makespan)),
    tick: () => {
      if (options.onProgress !== undefined && elapsed() - lastReport >= every) report(search.bestMakespan);
    },
    iterationsLeft: () => maxIterations - search.iterations,
    finish: (stoppedBy) => {
      const best = search.best();
      const last = history.at(-1);
      return {
        makespan: best.makespan,
        lowerBound: bound,
        schedule: toSchedule(flat, best.sequences, best.heads, best.makespan),
        iterations: search.iterations,
        elapsedMs: elapsed(),
        timeToBestMs: last?.elapsedMs ?? 0,
        history,
        stoppedBy,
      };
    },
  };
}

/**
 * Minimises the makespan of a job-shop instance: best dispatching rule, then tabu search until the time or
 * iteration limit, the target, a proven optimum (makespan = lower bound) or cancellation. Synchronous: in a thread
 * that must stay responsive use `solveJobShopAsync`, or run it in a worker.
 * @example solveJobShop(ft06, { seed: 1, maxIterations: 10_000 }).makespan; // 55
 */
export function solveJobShop(instance: JobShopInstance, options: SolveOptions = {}): SolveResult {
  const r = runner(instance, options);
  let reason = r.stop();
  while (reason === undefined) {
    r.search.run(Math.min(4_096, r.iterationsLeft()), () => r.stop() !== undefined, r.onImprove);
    r.tick();
    reason = r.stop();
  }
  return r.finish(reason);
}

/**
 * `solveJobShop` in slices of about `sliceMs` (default 50 ms) that yield to the event loop between them, so that an
 * AbortSignal fired from a timer or a request can stop it. Cancelling resolves with the best schedule so far; pass
 * `rejectOnAbort` to reject with an OperationalError('cancelled') instead.
 */
export async function solveJobShopAsync(
  instance: JobShopInstance,
  options: SolveOptions & { sliceMs?: number; rejectOnAbort?: boolean } = {},
): Promise<SolveResult> {
  const r = runner(instance, options);
  const sliceMs = options.sliceMs ?? 50;
  let reason = r.stop();
  while (reason === undefined) {
    const sliceEnd = r.elapsed() + sliceMs;
    r.search.run(r.iterationsLeft(), () => r.stop() !== undefined || r.elapsed() >= sliceEnd, r.onImprove);
    r.tick();
    reason = r.stop();
    if (reason === undefined) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (reason === 'cancelled' && options.rejectOnAbort === true)
    throw new OperationalError('cancelled', 'job-shop search cancelled', { cause: options.signal?.reason });
  return r.finish(reason);
}
