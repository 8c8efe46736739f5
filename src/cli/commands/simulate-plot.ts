/** The bar chart of `gemba simulate --plot`: one stacked bar per station, its time split into the five states. */
import type { StationSummary } from '../../analytics/process/line-sim.js';
import { escapeXml } from '../../analytics/quality/svg.js';

export const TIME_SHARES = [
  { key: 'utilisation', label: 'busy', color: '#2e7d32' },
  { key: 'setupFraction', label: 'setup', color: '#7b1fa2' },
  { key: 'downFraction', label: 'down', color: '#c62828' },
  { key: 'blockedFraction', label: 'blocked', color: '#ef6c00' },
  { key: 'starvedFraction', label: 'starved', color: '#9e9e9e' },
] as const;

const c = (x: number) => (Math.round(x * 10) / 10).toString();

/** An SVG of horizontal stacked bars, 0–100 % of the run, the bottleneck's name in bold. */
export function renderTimeSharesSvg(
  stations: readonly StationSummary[],
  options: { title: string; bottleneck: number },
): string {
  const width = 900;
  const left = 160;
  const right = width - 30;
  const top = 50;
  const lane = 36;
  const bottom = top + stations.length * lane;
  const height = bottom + 70;
  const x = (share: number) => left + share * (right - left);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(options.title)}</text>`,
  ];
  for (let t = 0; t <= 100; t += 20) {
    out.push(
      `<line x1="${c(x(t / 100))}" y1="${top}" x2="${c(x(t / 100))}" y2="${bottom}" stroke="#dddddd"/>`,
      `<text x="${c(x(t / 100))}" y="${bottom + 16}" text-anchor="middle">${t} %</text>`,
    );
  }
  stations.forEach((s, i) => {
    const y = top + i * lane + 6;
    const bold = i === options.bottleneck ? ' font-weight="700"' : '';
    out.push(`<text x="${left - 8}" y="${c(y + 16)}" text-anchor="end"${bold}>${escapeXml(s.name)}</text>`);
    let from = 0;
    for (const share of TIME_SHARES) {
      const value = Math.max(0, s[share.key].mean);
      if (value > 0)
        out.push(
          `<rect class="bar ${share.label}" x="${c(x(from))}" y="${y}" width="${c(x(from + value) - x(from))}" height="${lane - 12}" fill="${share.color}"><title>${escapeXml(`${s.name} ${share.label}: ${(value * 100).toFixed(1)} %`)}</title></rect>`,
        );
      from += value;
    }
  });
  TIME_SHARES.forEach((share, k) => {
    const lx = left + k * 120;
    out.push(
      `<rect x="${lx}" y="${bottom + 36}" width="14" height="14" fill="${share.color}"/>`,
      `<text x="${lx + 20}" y="${bottom + 47}">${share.label}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
