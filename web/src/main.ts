/**
 * Dashboard entry: wires the token, API client, live stream, and the views together: the plant (tree, trend
 * chart, live values, events), OEE (losses and trend), process (recommended setpoints), the control charts (live
 * SPC), the model registry, the production plan, supply (demand forecasts and stocking policies) and the assistant
 * (questions answered with links to their sources).
 */
import './style.css';
import { ApiClient, ApiError, errorMessage, isAbort } from './api.js';
import { h, replaceChildren } from './dom.js';
import { LivePanel } from './live-panel.js';
import { isUnder, type Asset, type Sample, type Tag } from './model.js';
import {
  askForToken,
  clearToken,
  readViewState,
  storedToken,
  takeTokenFromLocation,
  writeViewState,
  type ViewState,
} from './session.js';
import { LiveStream, streamUrl, type StreamStatus } from './stream.js';
import { TrendChart, isWindowId, type WindowId } from './trend-chart.js';
import { buildPlantTree } from './plant-model.js';
import { PlantTree } from './tree.js';
import { SpcPage } from './spc-page.js';
import { activeAlarmTotal, chartTypeLabel, isSpcWindow, type ChartEntry } from './spc-model.js';
import { EventsPanel } from './events-panel.js';
import { ModelsPage } from './models-page.js';
import { PlanningPage } from './planning-page.js';
import { SupplyPage } from './supply-page.js';
import { AssistantPage } from './assistant-page.js';
import { DocumentsPage } from './documents-page.js';
import { parseChunk } from './documents-model.js';
import { ProposalsPage } from './proposals-page.js';
import { OeePage } from './oee-page.js';
import { isOeeWindow } from './oee-model.js';
import { ProcessPage } from './process-page.js';

const BANNER_MS = 20_000;

const VIEWS = [
  'plant',
  'oee',
  'process',
  'spc',
  'models',
  'planning',
  'supply',
  'ask',
  'documents',
  'approvals',
] as const;
type View = (typeof VIEWS)[number];
function isView(value: string | undefined): value is View {
  return VIEWS.some((v) => v === value);
}

class Dashboard {
  readonly #host: HTMLElement;
  readonly #api: ApiClient;
  readonly #stream: LiveStream;
  readonly #tree: PlantTree;
  readonly #live: LivePanel;
  readonly #chart: TrendChart;
  readonly #status: HTMLElement;
  readonly #breadcrumb: HTMLElement;
  readonly #banner: HTMLElement;
  readonly #oee: OeePage;
  readonly #process: ProcessPage;
  readonly #spc: SpcPage;
  readonly #events: EventsPanel;
  readonly #models: ModelsPage;
  readonly #planning: PlanningPage;
  readonly #supply: SupplyPage;
  readonly #assistant: AssistantPage;
  readonly #documents: DocumentsPage;
  readonly #approvals: ProposalsPage;
  readonly #approvalCount: HTMLElement;
  readonly #plantView: HTMLElement;
  readonly #tabs: HTMLElement;
  readonly #alarmCount: HTMLElement;
  readonly #proposalCount: HTMLElement;
  /** In the plant view: a link to the control chart of the charted tag, when it has one. */
  readonly #spcLink: HTMLButtonElement;

  #view: View = 'plant';
  #token: string | undefined;
  #assets = new Map<string, Asset>();
  #tags: Tag[] = [];
  #tagsByPath = new Map<string, Tag>();
  #selectedAsset: string | undefined;
  #streamStatus: StreamStatus = { state: 'closed' };
  #latestRequest: AbortController | undefined;
  #askingForToken = false;
  #bannerTimer: number | undefined;

  constructor(host: HTMLElement) {
    this.#host = host;
    this.#api = new ApiClient({
      token: () => this.#token,
      onUnauthorized: (error) => {
        clearToken(); // a refused token is not offered again on the next visit
        this.#reauthenticate(error.message);
      },
    });
    this.#stream = new LiveStream({
      url: () => streamUrl(this.#token ?? ''),
      onSamples: (samples) => this.#onSamples(samples),
      onEvents: (events) => {
        this.#spc.onEvents(events);
        this.#events.onEvents(events);
        this.#planning.onEvents(events);
      },
      onStatus: (status) => this.#onStreamStatus(status),
      onServerError: (message) => this.#showBanner(`Live stream: ${message}`),
      onReconnected: () => {
        this.#refreshLatest();
        this.#chart.refresh();
        this.#oee.refresh();
        this.#spc.refresh();
        this.#events.refresh();
        this.#models.refresh();
        this.#planning.refresh();
        this.#supply.refresh();
        this.#documents.refresh();
        this.#approvals.refresh();
      },
    });
    this.#tree = new PlantTree({
      onSelectAsset: (path) => this.selectAsset(path),
      onSelectTag: (tag) => this.selectTag(tag),
    });
    this.#live = new LivePanel({ onSelectTag: (tag) => this.selectTag(tag) });
    this.#chart = new TrendChart({
      api: this.#api,
      onWindowChange: () => this.#saveView(),
      onError: (message) => this.#showBanner(message),
    });

    this.#status = h('div', { class: 'conn', 'data-testid': 'connection-status', role: 'status' });
    this.#breadcrumb = h('nav', { class: 'breadcrumb', 'aria-label': 'Selected asset' });
    this.#breadcrumb.addEventListener('click', (event) => {
      if (!(event.target instanceof Element)) return;
      const path = event.target.closest<HTMLElement>('[data-asset]')?.dataset['asset'];
      if (path) this.selectAsset(path);
    });
    const changeToken = h('button', { type: 'button', class: 'ghost' }, 'Change token');
    changeToken.addEventListener('click', () => {
      clearToken();
      this.#reauthenticate();
    });
    this.#banner = h('div', { class: 'banner', role: 'alert', hidden: true });
    this.#banner.addEventListener('click', () => (this.#banner.hidden = true));
    this.#oee = new OeePage({
      api: this.#api,
      assets: () => [...this.#assets.values()],
      onSelect: () => this.#saveView(),
      onError: (message) => this.#showBanner(message),
    });
    this.#process = new ProcessPage({ api: this.#api, tags: () => this.#tags });
    this.#spc = new SpcPage({
      api: this.#api,
      tag: (path) => this.#tagsByPath.get(path),
      asset: (path) => this.#assets.get(path),
      onCharts: (charts) => this.#onSpcCharts(charts),
      onViewChange: () => this.#saveView(),
      onOpenTag: (path) => {
        const tag = this.#tagsByPath.get(path);
        this.setView('plant');
        if (tag) this.selectTag(tag);
      },
      onError: (message) => this.#showBanner(message),
    });
    this.#events = new EventsPanel({ api: this.#api, onError: (message) => this.#showBanner(message) });
    this.#models = new ModelsPage({ api: this.#api, onError: (message) => this.#showBanner(message) });
    this.#planning = new PlanningPage({
      api: this.#api,
      onProposals: (count) => this.#onProposals(count),
      onError: (message) => this.#showBanner(message),
    });
    this.#supply = new SupplyPage({
      api: this.#api,
      onSelect: () => this.#saveView(),
      onError: (message) => this.#showBanner(message),
    });
    this.#assistant = new AssistantPage({ api: this.#api });
    this.#documents = new DocumentsPage({
      api: this.#api,
      onSelect: () => this.#saveView(),
      onError: (message) => this.#showBanner(message),
    });
    this.#approvals = new ProposalsPage({
      api: this.#api,
      onPending: (count) => {
        this.#approvalCount.hidden = count === 0;
        this.#approvalCount.textContent = String(count);
        this.#approvalCount.title = `${count} proposed change${count === 1 ? '' : 's'} waiting for approval`;
      },
      onSelect: () => this.#saveView(),
      onError: (message) => this.#showBanner(message),
    });
    this.#approvalCount = h('span', {
      class: 'tab-count waiting',
      'data-testid': 'approvals-count',
      hidden: true,
    });
    this.#proposalCount = h('span', {
      class: 'tab-count waiting',
      'data-testid': 'planning-proposal-count',
      hidden: true,
    });
    this.#alarmCount = h('span', {
      class: 'tab-count',
      'data-testid': 'spc-alarm-count',
      hidden: true,
    });
    this.#tabs = h(
      'nav',
      { class: 'view-tabs', role: 'tablist', 'aria-label': 'View' },
      h('button', { type: 'button', role: 'tab', 'data-view': 'plant', 'data-testid': 'tab-plant' }, 'Plant'),
      h('button', { type: 'button', role: 'tab', 'data-view': 'oee', 'data-testid': 'tab-oee' }, 'OEE'),
      h(
        'button',
        { type: 'button', role: 'tab', 'data-view': 'process', 'data-testid': 'tab-process' },
        'Process',
      ),
      h(
        'button',
        { type: 'button', role: 'tab', 'data-view': 'spc', 'data-testid': 'tab-spc' },
        'Control charts',
        this.#alarmCount,
      ),
      h(
        'button',
        { type: 'button', role: 'tab', 'data-view': 'models', 'data-testid': 'tab-models' },
        'Models',
      ),
      h(
        'button',
        { type: 'button', role: 'tab', 'data-view': 'planning', 'data-testid': 'tab-planning' },
        'Planning',
        this.#proposalCount,
      ),
      h(
        'button',
        { type: 'button', role: 'tab', 'data-view': 'supply', 'data-testid': 'tab-supply' },
        'Supply',
      ),
      h('button', { type: 'button', role: 'tab', 'data-view': 'ask', 'data-testid': 'tab-ask' }, 'Ask'),
      h(
        'button',
        { type: 'button', role: 'tab', 'data-view': 'documents', 'data-testid': 'tab-documents' },
        'Documents',
      ),
      h(
        'button',
        { type: 'button', role: 'tab', 'data-view': 'approvals', 'data-testid': 'tab-approvals' },
        'Approvals',
        this.#approvalCount,
      ),
    );
    this.#tabs.addEventListener('click', (event) => {
      if (!(event.target instanceof Element)) return;
      const view = event.target.closest<HTMLElement>('[data-view]')?.dataset['view'];
      if (isView(view)) this.setView(view);
    });
    this.#spcLink = h('button', { type: 'button', class: 'spc-link', hidden: true });
    this.#spcLink.addEventListener('click', () => {
      const id = this.#spcLink.dataset['chart'];
      if (!id) return;
      this.#spc.select(id);
      this.setView('spc');
    });
    this.#plantView = h(
      'main',
      { class: 'layout' },
      this.#tree.element,
      h(
        'div',
        { class: 'main-col' },
        this.#chart.element,
        h('div', { class: 'plant-panels' }, this.#live.element, this.#events.element),
      ),
    );

    replaceChildren(
      host,
      h(
        'header',
        { class: 'topbar' },
        h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Gemba'),
        this.#tabs,
        this.#breadcrumb,
        this.#spcLink,
        h('div', { class: 'spacer' }),
        this.#status,
        changeToken,
      ),
      this.#banner,
      this.#plantView,
      this.#oee.element,
      this.#process.element,
      this.#spc.element,
      this.#models.element,
      this.#planning.element,
      this.#supply.element,
      this.#assistant.element,
      this.#documents.element,
      this.#approvals.element,
    );
    // A link within the page (an answer's source) changes the fragment: show what it names.
    window.addEventListener('hashchange', () => this.#showViewState(readViewState(), this.#selectedAsset));
    this.#renderView();
    this.#renderStatus();
    window.setInterval(() => {
      this.#live.tick();
      if (this.#streamStatus.state === 'waiting') this.#renderStatus();
    }, 1_000);
  }

  /** Loads the plant model with `token` and goes live. */
  async start(token: string): Promise<void> {
    this.#token = token;
    this.#stream.stop();
    let assets: Asset[];
    let tags: Tag[];
    try {
      [assets, tags] = await Promise.all([this.#api.assets(), this.#api.tags()]);
    } catch (error) {
      // A 401 has already put the token form up, with its message; anything else is worth saying on the page.
      if (isAbort(error) || (error instanceof ApiError && error.status === 401)) return;
      this.#showBanner(`Could not load the plant model: ${errorMessage(error)}`);
      this.#live.showError(errorMessage(error));
      return;
    }
    this.#banner.hidden = true;
    this.#assets = new Map(assets.map((a) => [a.path, a]));
    this.#tags = tags;
    this.#tagsByPath = new Map(tags.map((t) => [t.path, t]));
    this.#tree.setData(buildPlantTree(assets, tags));
    this.#stream.start();

    this.#showViewState(readViewState(), defaultAsset(assets, tags));
    this.#spc.start();
    this.#planning.start();
    this.#approvals.start();
  }

  /** Shows what the address names (at start, or after a link within the page); `asset` where it names none. */
  #showViewState(view: ViewState, asset: string | undefined): void {
    if (isWindowId(view.window)) this.#chart.setWindow(view.window);
    if (isSpcWindow(view.spcWindow)) this.#spc.setWindow(view.spcWindow);
    if (view.chart) this.#spc.select(view.chart);
    if (view.item) this.#supply.select(view.item);
    if (view.doc) this.#documents.select(view.doc, parseChunk(view.chunk));
    if (view.proposal) this.#approvals.highlight(view.proposal);
    if (view.oee) this.#oee.select(view.oee);
    if (isOeeWindow(view.oeeWindow)) this.#oee.setWindow(view.oeeWindow);
    const tag = view.tag ? this.#tagsByPath.get(view.tag) : undefined;
    const shown = view.asset && this.#knownAsset(view.asset) ? view.asset : asset;
    if (shown) this.selectAsset(shown);
    if (tag) this.selectTag(tag);
    this.setView(isView(view.view) ? view.view : 'plant');
  }

  /** Shows one view; the others keep their state for when the user comes back. */
  setView(view: View): void {
    const changed = view !== this.#view;
    this.#view = view;
    this.#renderView();
    this.#oee.setVisible(view === 'oee');
    this.#process.setVisible(view === 'process');
    this.#spc.setVisible(view === 'spc');
    this.#models.setVisible(view === 'models');
    this.#planning.setVisible(view === 'planning');
    this.#supply.setVisible(view === 'supply');
    this.#assistant.setVisible(view === 'ask');
    this.#documents.setVisible(view === 'documents');
    this.#approvals.setVisible(view === 'approvals');
    this.#updateSubscription();
    if (changed && view === 'plant') {
      // Samples (and events) of the plant were not streamed while the charts showed.
      this.#refreshLatest();
      this.#chart.refresh();
      this.#events.refresh();
    }
    this.#saveView();
  }

  #renderView(): void {
    const plant = this.#view === 'plant';
    this.#plantView.hidden = !plant;
    this.#oee.element.hidden = this.#view !== 'oee';
    this.#process.element.hidden = this.#view !== 'process';
    this.#spc.element.hidden = this.#view !== 'spc';
    this.#models.element.hidden = this.#view !== 'models';
    this.#planning.element.hidden = this.#view !== 'planning';
    this.#supply.element.hidden = this.#view !== 'supply';
    this.#assistant.element.hidden = this.#view !== 'ask';
    this.#documents.element.hidden = this.#view !== 'documents';
    this.#approvals.element.hidden = this.#view !== 'approvals';
    this.#breadcrumb.hidden = !plant;
    for (const tab of this.#tabs.querySelectorAll<HTMLElement>('[data-view]')) {
      tab.setAttribute('aria-selected', String(tab.dataset['view'] === this.#view));
    }
    this.#renderSpcLink();
  }

  #onSpcCharts(charts: readonly ChartEntry[]): void {
    const total = activeAlarmTotal(charts);
    const out = charts.filter((c) => c.status.activeAlarms.length > 0).length;
    this.#updateSubscription(); // the chart tags may have changed
    this.#alarmCount.hidden = total === 0;
    this.#alarmCount.textContent = String(total);
    this.#alarmCount.title = `${total} active SPC alarm${total === 1 ? '' : 's'} on ${out} chart${out === 1 ? '' : 's'}`;
    this.#renderSpcLink();
  }

  #onProposals(count: number): void {
    this.#proposalCount.hidden = count === 0;
    this.#proposalCount.textContent = String(count);
    this.#proposalCount.title = `${count} rescheduling proposal${count === 1 ? '' : 's'} waiting for approval`;
  }

  /** "X̄-R chart ›" beside the breadcrumb when the charted tag has a live control chart. */
  #renderSpcLink(): void {
    const path = this.#chart.tag?.path;
    const entry = path ? this.#spc.charts.find((c) => c.config.tag === path) : undefined;
    this.#spcLink.hidden = this.#view !== 'plant' || !entry;
    if (!entry) return;
    const alarms = entry.status.activeAlarms.length;
    this.#spcLink.dataset['chart'] = entry.config.id;
    this.#spcLink.classList.toggle('out', alarms > 0);
    this.#spcLink.title = `Open the control chart ${entry.config.id} of ${entry.config.tag}`;
    replaceChildren(
      this.#spcLink,
      `${chartTypeLabel(entry.config.type)} chart`,
      alarms > 0 ? ` · ${alarms} alarm${alarms === 1 ? '' : 's'}` : '',
      ' ›',
    );
  }

  selectAsset(path: string): void {
    const changed = path !== this.#selectedAsset;
    this.#selectedAsset = path;
    const asset = this.#assets.get(path) ?? { path, level: '', name: path.slice(path.lastIndexOf('/') + 1) };
    if (changed) {
      this.#live.show(asset, this.#tagsUnder(path));
      this.#live.setCharted(this.#chart.tag?.path);
      this.#events.show(asset);
      this.#refreshLatest();
    }
    this.#tree.setSelection(path, this.#chart.tag?.path);
    this.#renderBreadcrumb(path);
    this.#updateSubscription();
    this.#saveView();
  }

  selectTag(tag: Tag, window?: WindowId): void {
    if (!this.#selectedAsset || !isUnder(tag.asset, this.#selectedAsset)) this.selectAsset(tag.asset);
    this.#chart.show(tag, window);
    this.#live.setCharted(tag.path);
    this.#tree.setSelection(this.#selectedAsset, tag.path);
    this.#renderSpcLink();
    this.#updateSubscription();
    this.#saveView();
  }

  #knownAsset(path: string): boolean {
    return this.#assets.has(path) || this.#tags.some((t) => isUnder(t.asset, path));
  }

  #tagsUnder(path: string): Tag[] {
    return this.#tags.filter((t) => isUnder(t.asset, path));
  }

  #refreshLatest(): void {
    const under = this.#selectedAsset;
    if (!under) return;
    this.#latestRequest?.abort();
    const controller = new AbortController();
    this.#latestRequest = controller;
    this.#api.latest(under, controller.signal).then(
      (samples) => {
        if (!controller.signal.aborted && under === this.#selectedAsset) this.#live.update(samples);
      },
      (error: unknown) => {
        if (isAbort(error) || controller.signal.aborted) return;
        this.#live.showError(`Could not load live values: ${errorMessage(error)}`);
      },
    );
  }

  /**
   * One subscription covers the live panel and the charted tag, which may lie outside the selected asset. The
   * control charts need the events of the assets that have charts: a subscription to the charts' tags brings them
   * (and only those tags' samples, one per part).
   */
  #updateSubscription(): void {
    if (this.#view === 'spc') {
      const tags = [...new Set(this.#spc.charts.map((c) => c.config.tag))].sort();
      this.#stream.subscribe({ tags });
      return;
    }
    const under = this.#selectedAsset;
    const charted = this.#chart.tag?.path;
    if (!under) return;
    if (!charted || isUnder(charted, under)) this.#stream.subscribe({ under });
    else this.#stream.subscribe({ tags: [...this.#tagsUnder(under).map((t) => t.path), charted] });
  }

  #onSamples(samples: readonly Sample[]): void {
    this.#live.update(samples);
    this.#chart.appendLive(samples);
  }

  #onStreamStatus(status: StreamStatus): void {
    this.#streamStatus = status;
    this.#renderStatus();
    if (status.state === 'unauthorized') {
      clearToken();
      this.#reauthenticate(status.message);
    }
  }

  #renderStatus(): void {
    const status = this.#streamStatus;
    let text: string;
    switch (status.state) {
      case 'open':
        text = 'Live';
        break;
      case 'connecting':
        text = status.attempt > 1 ? `Reconnecting (attempt ${status.attempt})…` : 'Connecting…';
        break;
      case 'waiting': {
        const seconds = Math.max(0, Math.ceil((status.retryAt - Date.now()) / 1_000));
        text = `Disconnected · retry in ${seconds} s`;
        break;
      }
      case 'unauthorized':
        text = 'Not signed in';
        break;
      case 'closed':
        text = 'Offline';
        break;
    }
    this.#status.dataset['state'] = status.state;
    this.#status.title = status.state === 'open' ? 'Receiving live samples over the WebSocket' : text;
    replaceChildren(this.#status, h('span', { class: 'dot', 'aria-hidden': 'true' }), text);
  }

  #renderBreadcrumb(path: string): void {
    const segments = path.split('/');
    const parts: (HTMLElement | string)[] = [];
    segments.forEach((_, i) => {
      const p = segments.slice(0, i + 1).join('/');
      const name = this.#assets.get(p)?.name ?? segments[i] ?? p;
      if (i > 0) parts.push(h('span', { class: 'sep', 'aria-hidden': 'true' }, '›'));
      parts.push(
        i === segments.length - 1
          ? h('span', { class: 'current', title: p }, name)
          : h('button', { type: 'button', 'data-asset': p, title: p }, name),
      );
    });
    replaceChildren(this.#breadcrumb, ...parts);
  }

  #saveView(): void {
    const tag = this.#chart.tag?.path;
    const chart = this.#spc.selected;
    const item = this.#supply.selected;
    const doc = this.#view === 'documents' ? this.#documents.selected : undefined;
    const chunk = doc !== undefined ? this.#documents.chunk : undefined;
    const proposal = this.#view === 'approvals' ? this.#approvals.selected : undefined;
    const oee = this.#view === 'oee' ? this.#oee.scope : undefined;
    writeViewState({
      ...(this.#view !== 'plant' ? { view: this.#view } : {}),
      ...(this.#selectedAsset ? { asset: this.#selectedAsset } : {}),
      ...(tag ? { tag, window: this.#chart.window } : {}),
      ...(chart ? { chart, spcWindow: this.#spc.window } : {}),
      ...(item ? { item } : {}),
      ...(doc ? { doc, ...(chunk !== undefined ? { chunk: String(chunk) } : {}) } : {}),
      ...(proposal ? { proposal } : {}),
      ...(oee ? { oee, oeeWindow: this.#oee.window } : {}),
    });
  }

  #showBanner(message: string): void {
    replaceChildren(this.#banner, h('span', {}, message), h('span', { class: 'dismiss' }, 'Dismiss'));
    this.#banner.hidden = false;
    window.clearTimeout(this.#bannerTimer);
    this.#bannerTimer = window.setTimeout(() => (this.#banner.hidden = true), BANNER_MS);
  }

  /** Stops the stream and asks for a (new) token, then starts again with it. */
  #reauthenticate(message?: string): void {
    if (this.#askingForToken) return;
    this.#askingForToken = true;
    this.#stream.stop();
    void askForToken(this.#host, message).then((token) => {
      this.#askingForToken = false;
      this.#selectedAsset = undefined;
      return this.start(token);
    });
  }
}

/** The first line if the plant has one (a line is what an engineer watches), else the first asset with tags. */
function defaultAsset(assets: readonly Asset[], tags: readonly Tag[]): string | undefined {
  const sorted = [...assets].sort((a, b) => a.path.localeCompare(b.path, undefined, { numeric: true }));
  const line = sorted.find((a) => a.level === 'line' && tags.some((t) => isUnder(t.asset, a.path)));
  return line?.path ?? sorted[0]?.path ?? tags[0]?.asset;
}

async function main(): Promise<void> {
  const host = document.getElementById('app');
  if (!host) return;
  const dashboard = new Dashboard(host);
  const token = takeTokenFromLocation() ?? storedToken() ?? (await askForToken(host));
  await dashboard.start(token);
}

void main();
