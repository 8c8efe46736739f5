/**
 * The plant view's events panel: what happened at or below the selected asset in the last 24 h (alarms, machine
 * states, notes), active alarms on top, loaded when the selection changes and kept current by the stream.
 */
import { ApiError, errorMessage, isAbort, type ApiClient } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatDateTime } from './format.js';
import {
  EVENTS_FROM,
  EVENTS_LIMIT,
  EVENT_FILTERS,
  alarmHighlights,
  codeWords,
  eventText,
  eventsUnder,
  filterCounts,
  isEventFilter,
  kindLabel,
  matchesFilter,
  mergeEvents,
  relativeAsset,
  splitActive,
  type EventFilter,
  type EventRecord,
} from './events-model.js';
import type { PlantEvent } from './spc-model.js';
import { formatWhen } from './spc-model.js';

export interface EventsPanelOptions {
  readonly api: ApiClient;
  readonly onError: (message: string) => void;
}

type LoadState = 'idle' | 'loading' | 'ready' | 'error';

export class EventsPanel {
  readonly element: HTMLElement;
  readonly #options: EventsPanelOptions;
  readonly #title: HTMLElement;
  readonly #summary: HTMLElement;
  readonly #chips: HTMLElement;
  readonly #body: HTMLElement;
  readonly #window: HTMLElement;

  #asset: { readonly path: string; readonly name: string } | undefined;
  #events: EventRecord[] = [];
  #filter: EventFilter = 'all';
  #state: LoadState = 'idle';
  #error = '';
  /** The listing hit its limit: older events of the window are not shown. */
  #truncated = false;
  #request: AbortController | undefined;

  constructor(options: EventsPanelOptions) {
    this.#options = options;
    this.#title = h('h2', {}, 'Events');
    this.#summary = h('div', { class: 'panel-summary' });
    this.#window = h('span', { class: 'events-window' }, 'last 24 h');
    this.#chips = h('div', {
      class: 'segmented event-filters',
      role: 'group',
      'aria-label': 'Show events',
      'data-testid': 'event-filters',
    });
    this.#chips.addEventListener('click', (event) => {
      if (!(event.target instanceof Element)) return;
      const id = event.target.closest<HTMLElement>('[data-filter]')?.dataset['filter'];
      if (isEventFilter(id) && id !== this.#filter) {
        this.#filter = id;
        this.#render();
      }
    });
    this.#body = h(
      'div',
      { class: 'events-body' },
      h('p', { class: 'empty' }, 'Select an asset in the plant tree.'),
    );
    this.element = h(
      'section',
      { class: 'panel events', 'data-testid': 'events-panel', 'aria-label': 'Events' },
      h('div', { class: 'panel-head' }, this.#title, this.#summary),
      h('div', { class: 'events-toolbar' }, this.#chips, this.#window),
      this.#body,
    );
    this.#render();
  }

  get filter(): EventFilter {
    return this.#filter;
  }

  /** Shows the events at or below an asset; a new asset is loaded from scratch. */
  show(asset: { readonly path: string; readonly name: string }): void {
    if (asset.path === this.#asset?.path) return;
    this.#asset = asset;
    this.#events = [];
    this.#truncated = false;
    replaceChildren(this.#title, 'Events ', h('span', { class: 'muted' }, `— ${asset.name}`));
    this.#title.title = asset.path;
    void this.#load();
  }

  /** Refetches the listing (after a reconnect, or when the plant view shows again: events may have been missed). */
  refresh(): void {
    if (this.#asset) void this.#load();
  }

  /** Events from the stream: those at or below the selection are merged in at once. */
  onEvents(events: readonly PlantEvent[]): void {
    const asset = this.#asset;
    if (!asset) return;
    const wanted = eventsUnder<EventRecord>(events, asset.path);
    if (wanted.length === 0) return;
    this.#events = mergeEvents(this.#events, wanted);
    this.#render();
  }

  async #load(): Promise<void> {
    const asset = this.#asset;
    if (!asset) return;
    this.#request?.abort();
    const controller = new AbortController();
    this.#request = controller;
    if (this.#events.length === 0) this.#state = 'loading';
    this.#render();
    try {
      const listed = await this.#options.api.events(
        { under: asset.path, from: EVENTS_FROM, limit: EVENTS_LIMIT },
        controller.signal,
      );
      if (controller.signal.aborted || asset !== this.#asset) return;
      // What the stream delivered while the request ran stays; the listing's copy of an event replaces it.
      this.#events = mergeEvents(this.#events, listed);
      this.#truncated = listed.length >= EVENTS_LIMIT;
      this.#state = 'ready';
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) return;
      this.#state = 'error';
      this.#error = errorMessage(error);
      this.#options.onError(`Could not load the events: ${this.#error}`);
    } finally {
      if (this.#request === controller) this.#request = undefined;
    }
    this.#render();
  }

  #render(): void {
    const counts = filterCounts(this.#events);
    replaceChildren(
      this.#chips,
      ...EVENT_FILTERS.map((f) =>
        h(
          'button',
          {
            type: 'button',
            'data-filter': f.id,
            'data-count': counts[f.id],
            'aria-pressed': String(f.id === this.#filter),
          },
          f.label,
          h('span', { class: 'chip-count' }, String(counts[f.id])),
        ),
      ),
    );
    const asset = this.#asset;
    if (!asset) return;
    const { active, history } = splitActive(this.#events);
    const shownActive = active.filter((e) => matchesFilter(e, this.#filter));
    const shownHistory = history.filter((e) => matchesFilter(e, this.#filter));
    replaceChildren(
      this.#summary,
      active.length > 0
        ? h(
            'span',
            { class: 'pill pill-alert', 'data-testid': 'events-active-count' },
            `${active.length} active alarm${active.length === 1 ? '' : 's'}`,
          )
        : null,
    );
    this.#window.textContent = this.#truncated ? `newest ${EVENTS_LIMIT}, last 24 h` : 'last 24 h';

    if (this.#state === 'loading') {
      replaceChildren(this.#body, h('p', { class: 'empty' }, 'Loading events…'));
      return;
    }
    if (this.#state === 'error' && this.#events.length === 0) {
      replaceChildren(this.#body, h('p', { class: 'error-text', role: 'alert' }, this.#error));
      return;
    }
    const now = Date.now();
    const row = (event: EventRecord, testId: string): HTMLElement => this.#row(event, asset, now, testId);
    replaceChildren(
      this.#body,
      shownActive.length > 0
        ? h(
            'div',
            { class: 'events-active', 'data-testid': 'events-active' },
            h('h3', {}, 'Active alarms'),
            h('ul', { class: 'events-list' }, ...shownActive.map((e) => row(e, 'active-alarm'))),
          )
        : null,
      shownHistory.length === 0 && shownActive.length === 0
        ? h('p', { class: 'empty' }, this.#emptyText(asset.name))
        : h(
            'div',
            { class: 'events-history' },
            shownActive.length > 0 ? h('h3', {}, 'Recent') : null,
            h('ul', { class: 'events-list' }, ...shownHistory.map((e) => row(e, 'plant-event'))),
          ),
      this.#truncated
        ? h('p', { class: 'events-more' }, `The newest ${EVENTS_LIMIT} events of the last 24 h.`)
        : null,
    );
  }

  #emptyText(name: string): string {
    const what =
      this.#filter === 'alarm'
        ? 'No alarm'
        : this.#filter === 'machine_state'
          ? 'No machine state'
          : 'No event';
    return `${what} in the last 24 h at or below ${name}.`;
  }

  #row(event: EventRecord, asset: { path: string; name: string }, now: number, testId: string): HTMLElement {
    const relative = relativeAsset(event.asset, asset.path);
    const state = event.state ?? '';
    const text = eventText(event);
    const highlights = alarmHighlights(event);
    // Prefixed: the bare `sev-high` of a severity badge paints a whole background.
    const tone =
      event.kind === 'alarm'
        ? `tone-sev-${event.severity ?? 'medium'}`
        : event.kind === 'machine_state'
          ? `tone-ms-${state}`
          : 'tone-note';
    return h(
      'li',
      {
        class: `event-item ${tone}${event.kind === 'alarm' && state === 'raised' ? ' raised' : ''}`,
        'data-testid': testId,
        'data-id': event.id,
        'data-kind': event.kind,
        'data-state': state || null,
        'data-code': event.code ?? null,
        title: `${formatDateTime(event.ts)}\n${event.asset}${event.tag ? `\n${event.tag}` : ''}`,
      },
      h(
        'time',
        { class: 'event-when', datetime: new Date(event.ts).toISOString() },
        formatWhen(event.ts, now),
      ),
      h(
        'div',
        { class: 'event-main' },
        h('div', { class: 'event-line' }, ...this.#lineParts(event, relative)),
        text ? h('div', { class: 'event-msg' }, text) : null,
        highlights.length > 0
          ? h(
              'div',
              { class: 'event-highlights' },
              ...highlights.map((x) =>
                h(
                  'span',
                  { class: 'event-highlight', 'data-highlight': x.label },
                  h('span', { class: 'label' }, x.label),
                  ' ',
                  x.text,
                ),
              ),
            )
          : null,
      ),
    );
  }

  #lineParts(event: EventRecord, where: string): HTMLElement[] {
    const state = event.state ?? '';
    const parts: HTMLElement[] = [
      h('span', { class: `kind-badge kind-${event.kind}` }, kindLabel(event.kind)),
    ];
    if (event.kind === 'alarm') {
      if (state) parts.push(h('span', { class: `state-badge ${state}` }, state));
      if (event.severity) parts.push(h('span', { class: `sev sev-${event.severity}` }, event.severity));
      if (event.code) parts.push(h('span', { class: 'event-code' }, event.code));
    } else if (event.kind === 'machine_state') {
      parts.push(h('span', { class: `ms-badge tone-ms-${state}` }, codeWords(state)));
      if (event.reason) parts.push(h('span', { class: 'event-code', title: 'Reason code' }, event.reason));
    }
    // Events of the selected asset itself need no name; those below it say where.
    if (where) parts.push(h('span', { class: 'event-asset', title: event.asset }, where));
    return parts;
  }
}
