/** The event calendar of the line simulator: an array-backed binary min-heap of (time, code), FIFO among ties. */

/**
 * A binary heap (Cormen et al., Introduction to Algorithms, 3rd ed., ch. 6) over parallel typed arrays: an event is a
 * time, an integer code and an insertion number that breaks ties first-in first-out, so a run is the same on every
 * platform even when deterministic times coincide. Nothing is allocated per event; the arrays double when full.
 * @example
 * const cal = new EventCalendar(); cal.push(2, 7); cal.push(1, 3);
 * cal.pop(); // 3, and cal.time === 1
 */
export class EventCalendar {
  private times: Float64Array;
  private seqs: Float64Array;
  private codes: Int32Array;
  private nextSeq = 0;
  /** Number of pending events. */
  size = 0;
  /** The time of the event last returned by `pop`. */
  time = 0;

  constructor(capacity = 16) {
    const n = Math.max(1, capacity);
    this.times = new Float64Array(n);
    this.seqs = new Float64Array(n);
    this.codes = new Int32Array(n);
  }

  /** Empties the calendar (keeps its arrays). */
  clear(): void {
    this.size = 0;
    this.nextSeq = 0;
    this.time = 0;
  }

  /** The time of the earliest pending event, Infinity when there is none. */
  peekTime(): number {
    return this.size === 0 ? Infinity : (this.times[0] ?? Infinity);
  }

  push(time: number, code: number): void {
    if (this.size === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const codes = this.codes;
    const seq = this.nextSeq++;
    let i = this.size++;
    // Sift up: move parents down until the new event's slot is found.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] ?? 0;
      if (pt < time || (pt === time && (seqs[parent] ?? 0) < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent] ?? 0;
      codes[i] = codes[parent] ?? 0;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    codes[i] = code;
  }

  /** Removes the earliest event and returns its code (its time is in `time`); -1 when empty. */
  pop(): number {
    if (this.size === 0) return -1;
    const times = this.times;
    const seqs = this.seqs;
    const codes = this.codes;
    const code = codes[0] ?? -1;
    this.time = times[0] ?? 0;
    const n = --this.size;
    if (n > 0) {
      const t = times[n] ?? 0;
      const s = seqs[n] ?? 0;
      const c = codes[n] ?? 0;
      let i = 0;
      // Sift down the last event from the root.
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        let ct = times[child] ?? 0;
        let cs = seqs[child] ?? 0;
        const right = child + 1;
        if (right < n) {
          const rt = times[right] ?? 0;
          const rs = seqs[right] ?? 0;
          if (rt < ct || (rt === ct && rs < cs)) {
            child = right;
            ct = rt;
            cs = rs;
          }
        }
        if (t < ct || (t === ct && s < cs)) break;
        times[i] = ct;
        seqs[i] = cs;
        codes[i] = codes[child] ?? 0;
        i = child;
      }
      times[i] = t;
      seqs[i] = s;
      codes[i] = c;
    }
    return code;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const times = new Float64Array(n);
    const seqs = new Float64Array(n);
    const codes = new Int32Array(n);
    times.set(this.times);
    seqs.set(this.seqs);
    codes.set(this.codes);
    this.times = times;
    this.seqs = seqs;
    this.codes = codes;
  }
}
