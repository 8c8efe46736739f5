/** Live values: the newest sample of every tag at or below the selected asset, kept current by the stream. */
import { h, replaceChildren } from './dom.js';
import { formatAge, formatDateTime, formatSpec, formatValue, specStatus, unitLabel } from './format.js';
import type { Sample, Tag } from './model.js';

/** A value older than this is shown as stale: the signal may have stopped. */
const STALE_MS = 5 * 60_000;

interface Row {
  readonly tag: Tag;
  readonly tr: HTMLTableRowElement;
  readonly value: HTMLTableCellElement;
  readonly quality: HTMLTableCellElement;
  readonly age: HTMLTableCellElement;
  sample: Sample | undefined;
}

export interface LivePanelOptions {
  readonly onSelectTag: (tag: Tag) => void;
}

export class LivePanel {
  readonly element: HTMLElement;
  readonly #options: LivePanelOptions;
  readonly #title: HTMLElement;
  readonly #summary: HTMLElement;
  readonly #body: HTMLElement;
  readonly #rows = new Map<string, Row>();
  #charted: string | undefined;

  constructor(options: LivePanelOptions) {
    this.#options = options;
    this.#title = h('h2', {}, 'Live values');
    this.#summary = h('div', { class: 'panel-summary' });
    this.#body = h(
      'div',
      { class: 'live-body' },
      h('p', { class: 'empty' }, 'Select an asset in the plant tree.'),
    );
    this.#body.addEventListener('click', (event) => {
      if (!(event.target instanceof Element)) return;
      const path = event.target.closest<HTMLElement>('tr[data-tag]')?.dataset['tag'];
      const row = path ? this.#rows.get(path) : undefined;
      if (row) this.#options.onSelectTag(row.tag);
    });
    this.element = h(
      'section',
      { class: 'panel live', 'data-testid': 'live-values', 'aria-label': 'Live values' },
      h('div', { class: 'panel-head' }, this.#title, this.#summary),
      this.#body,
    );
  }

  /** Shows the tags of an asset (grouped by the asset that owns them), without values until samples arrive. */
  show(asset: { path: string; name: string }, tags: readonly Tag[]): void {
    this.#rows.clear();
    replaceChildren(this.#title, 'Live values ', h('span', { class: 'muted' }, `— ${asset.name}`));
    this.#title.title = asset.path;
    if (tags.length === 0) {
      this.#summary.textContent = '';
      replaceChildren(this.#body, h('p', { class: 'empty' }, 'No tags at or below this asset.'));
      return;
    }
    const groups = new Map<string, Tag[]>();
    for (const tag of tags) {
      const group = groups.get(tag.asset);
      if (group) group.push(tag);
      else groups.set(tag.asset, [tag]);
    }
    const tbody = h('tbody');
    const showGroups = groups.size > 1 || !groups.has(asset.path);
    for (const [assetPath, group] of [...groups].sort(([a], [b]) => collator.compare(a, b))) {
      if (showGroups) {
        const relative = assetPath === asset.path ? asset.name : assetPath.slice(asset.path.length + 1);
        tbody.appendChild(
          h('tr', { class: 'group' }, h('th', { colspan: 5, scope: 'rowgroup', title: assetPath }, relative)),
        );
      }
      for (const tag of [...group].sort((a, b) => collator.compare(a.name, b.name))) {
        tbody.appendChild(this.#createRow(tag));
      }
    }
    replaceChildren(
      this.#body,
      h(
        'table',
        { class: 'live-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Tag'),
            h('th', { scope: 'col', class: 'num' }, 'Value'),
            h('th', { scope: 'col', class: 'num' }, 'Spec'),
            h('th', { scope: 'col' }, 'Quality'),
            h('th', { scope: 'col', class: 'num' }, 'Updated'),
          ),
        ),
        tbody,
      ),
    );
    this.#updateSummary();
  }

  showError(message: string): void {
    replaceChildren(this.#body, h('p', { class: 'error-text', role: 'alert' }, message));
  }

  /** Merges samples in; an older sample never replaces a newer one (the stream and a refetch may interleave). */
  update(samples: readonly Sample[]): void {
    const changed = new Map<string, Sample>();
    for (const sample of samples) {
      const row = this.#rows.get(sample.tag);
      if (!row) continue;
      const current = changed.get(sample.tag) ?? row.sample;
      if (!current || sample.ts >= current.ts) changed.set(sample.tag, sample);
    }
    const now = Date.now();
    for (const [path, sample] of changed) {
      const row = this.#rows.get(path);
      if (!row) continue;
      row.sample = sample;
      this.#renderValue(row, now);
    }
    if (changed.size > 0) this.#updateSummary();
  }

  /** Highlights the tag shown in the trend chart. */
  setCharted(tagPath: string | undefined): void {
    this.#charted = tagPath;
    for (const row of this.#rows.values()) row.tr.classList.toggle('charted', row.tag.path === tagPath);
    if (tagPath) this.#rows.get(tagPath)?.tr.scrollIntoView({ block: 'nearest' });
  }

  /** Refreshes the "n s ago" column; called every second. */
  tick(): void {
    const now = Date.now();
    for (const row of this.#rows.values()) if (row.sample) this.#renderAge(row, now);
  }

  #createRow(tag: Tag): HTMLTableRowElement {
    const value = h('td', { class: 'num value', 'data-testid': 'live-value' }, '—');
    const quality = h('td', { class: 'quality' });
    const age = h('td', { class: 'num age' });
    const unit = unitLabel(tag.unit);
    const tr = h(
      'tr',
      {
        'data-tag': tag.path,
        class: tag.path === this.#charted ? 'charted' : null,
        title: `${tag.path}${tag.description ? `\n${tag.description}` : ''}\nClick to plot`,
      },
      h(
        'td',
        { class: 'tag-name' },
        h('span', { class: `tag-icon type-${tag.dataType}`, 'aria-hidden': 'true' }),
        tag.name,
        tag.description ? h('span', { class: 'desc' }, tag.description) : null,
      ),
      value,
      h('td', { class: 'num spec' }, formatSpec(tag.spec), unit && tag.spec ? ` ${unit}` : ''),
      quality,
      age,
    );
    this.#rows.set(tag.path, { tag, tr, value, quality, age, sample: undefined });
    return tr;
  }

  #renderValue(row: Row, now: number): void {
    const { tag, sample } = row;
    if (!sample) return;
    const unit = tag.dataType === 'float' || tag.dataType === 'integer' ? unitLabel(tag.unit) : '';
    const status =
      tag.dataType === 'float' || tag.dataType === 'integer' ? specStatus(tag.spec, sample.value) : 'ok';
    const marker = status === 'high' ? '▲ ' : status === 'low' ? '▼ ' : '';
    replaceChildren(
      row.value,
      marker
        ? h('span', { class: 'oos-marker', title: status === 'high' ? 'Above USL' : 'Below LSL' }, marker)
        : null,
      h('span', { class: `v${tag.dataType === 'state' ? ' state' : ''}` }, formatValue(tag, sample.value)),
      unit ? h('span', { class: 'unit' }, ` ${unit}`) : null,
    );
    row.value.dataset['ts'] = String(sample.ts);
    row.value.title = `${sample.value} at ${formatDateTime(sample.ts)}`;
    row.tr.classList.toggle('oos', status !== 'ok');
    row.tr.classList.toggle('q-bad', sample.quality === 'bad');
    row.tr.classList.toggle('q-uncertain', sample.quality === 'uncertain');
    replaceChildren(row.quality, h('span', { class: `badge q-${sample.quality}` }, sample.quality));
    this.#renderAge(row, now);
  }

  #renderAge(row: Row, now: number): void {
    if (!row.sample) return;
    const age = Math.max(0, now - row.sample.ts);
    row.age.textContent = formatAge(age);
    row.tr.classList.toggle('stale', age > STALE_MS);
  }

  #updateSummary(): void {
    let withValue = 0;
    let outOfSpec = 0;
    let bad = 0;
    for (const row of this.#rows.values()) {
      if (!row.sample) continue;
      withValue += 1;
      if (row.tr.classList.contains('oos')) outOfSpec += 1;
      if (row.sample.quality !== 'good') bad += 1;
    }
    replaceChildren(
      this.#summary,
      `${withValue}/${this.#rows.size} tags`,
      outOfSpec > 0 ? h('span', { class: 'pill pill-alert' }, `${outOfSpec} out of spec`) : null,
      bad > 0 ? h('span', { class: 'pill pill-warn' }, `${bad} not good`) : null,
    );
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
