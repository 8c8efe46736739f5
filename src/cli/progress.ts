/** A progress bar on stderr: redrawn in place on a terminal, a line every 10 % otherwise (logs, CI). */

export interface Progress {
  update(done: number, detail?: string): void;
  finish(detail?: string): void;
}

export function progressBar(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = Date.now();
  let lastDraw = 0;
  let lastDecile = -1;
  const line = (done: number, detail: string): string => {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const elapsed = (Date.now() - started) / 1000;
    const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}% ${detail} ${elapsed.toFixed(1)}s${fraction > 0 && fraction < 1 ? ` eta ${eta.toFixed(0)}s` : ''}`;
  };
  return {
    update(done, detail = '') {
      const now = Date.now();
      if (stream.isTTY) {
        if (now - lastDraw < 100) return;
        lastDraw = now;
        stream.write(`\r${line(done, detail)}\x1b[K`);
      } else {
        const decile = total > 0 ? Math.floor((done / total) * 10) : 0;
        if (decile === lastDecile) return;
        lastDecile = decile;
        stream.write(`${line(done, detail)}\n`);
      }
    },
    finish(detail = '') {
      stream.write(`${stream.isTTY ? '\r' : ''}${line(total, detail)}${stream.isTTY ? '\x1b[K' : ''}\n`);
    },
  };
}
