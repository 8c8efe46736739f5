/**
 * The Documents page: the imported manuals, SOPs and work instructions; the selected one's passages in order, each
 * with its heading path and page; a search over all of them whose results link to their passage. The address
 * `#view=documents&doc=<id>&chunk=<seq>` opens a document and scrolls to the passage, highlighted (the assistant's
 * citations link there). Document text is shown as text, never as markup. Loaded when the page shows.
 */
import { ApiError, errorMessage, isAbort, type ApiClient } from './api.js';
import { h, messageRow, onRowPick, replaceChildren, tableHead } from './dom.js';
import { formatDateTime, formatDay } from './format.js';
import {
  SEARCH_LIMIT,
  aboutLabel,
  formatLabel,
  pageLabel,
  passageHref,
  sectionParts,
  snippet,
  type DocumentRecord,
  type DocumentResponse,
  type Passage,
  type SearchResponse,
} from './documents-model.js';

export interface DocumentsPageOptions {
  readonly api: ApiClient;
  /** The selected document or passage changed (for the address bar). */
  readonly onSelect: () => void;
  readonly onError: (message: string) => void;
}

export class DocumentsPage {
  readonly element: HTMLElement;
  readonly #options: DocumentsPageOptions;
  readonly #summary: HTMLElement;
  readonly #rows: HTMLElement;
  readonly #detailHead: HTMLElement;
  readonly #detailFacts: HTMLElement;
  readonly #passages: HTMLElement;
  readonly #query: HTMLInputElement;
  readonly #searchStatus: HTMLElement;
  readonly #results: HTMLElement;

  #documents: DocumentRecord[] = [];
  #selected: string | undefined;
  #chunk: number | undefined;
  #detail: DocumentResponse | undefined;
  #loaded = false;
  #visible = false;
  #error = '';
  #listRequest: AbortController | undefined;
  #detailRequest: AbortController | undefined;
  #searchRequest: AbortController | undefined;

  constructor(options: DocumentsPageOptions) {
    this.#options = options;
    this.#summary = h('div', { class: 'panel-summary' });
    this.#rows = h('tbody', {});
    onRowPick(this.#rows, 'doc', (id) => this.select(id));

    this.#detailHead = h('div', { class: 'panel-head' }, h('h2', {}, 'Passages'));
    this.#detailFacts = h('p', { class: 'doc-facts muted', 'data-testid': 'doc-facts' });
    this.#passages = h('div', { class: 'doc-passages', 'data-testid': 'doc-passages' });
    this.#passages.addEventListener('click', (event) => {
      if (!(event.target instanceof Element) || !this.#selected) return;
      if (event.target.closest('a')) return;
      const seq = event.target.closest<HTMLElement>('[data-seq]')?.dataset['seq'];
      if (seq !== undefined) this.select(this.#selected, Number(seq));
    });

    this.#query = h('input', {
      type: 'search',
      class: 'doc-query',
      placeholder: 'Search the documents, e.g. maximum oil temperature',
      'aria-label': 'Search the documents',
      'data-testid': 'doc-search',
      maxlength: 1000,
    });
    const form = h(
      'form',
      { class: 'doc-search-form', role: 'search' },
      this.#query,
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#search();
    });
    this.#searchStatus = h('span', { class: 'muted', role: 'status' });
    this.#results = h('ol', { class: 'doc-results', 'data-testid': 'doc-results', hidden: true });

    this.element = h(
      'main',
      { class: 'models-layout documents-layout', 'data-testid': 'documents-view' },
      h(
        'div',
        { class: 'models-head' },
        h('h2', {}, 'Documents'),
        h('span', { class: 'muted' }, 'manuals, SOPs and work instructions, as passages the assistant cites'),
      ),
      h(
        'section',
        { class: 'panel doc-search', 'aria-label': 'Search' },
        h('div', { class: 'panel-head' }, h('h2', {}, 'Search'), this.#searchStatus),
        form,
        this.#results,
      ),
      h(
        'div',
        { class: 'documents-main' },
        h(
          'section',
          { class: 'panel', 'data-testid': 'documents-list', 'aria-label': 'Documents' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'Library'), this.#summary),
          h(
            'table',
            { class: 'live-table documents-table' },
            tableHead('Title', 'Format', 'About', ['Passages', { class: 'num' }], 'Imported'),
            this.#rows,
          ),
        ),
        h(
          'section',
          { class: 'panel doc-detail', 'data-testid': 'document-detail', 'aria-label': 'Passages' },
          this.#detailHead,
          this.#detailFacts,
          this.#passages,
        ),
      ),
    );
    this.#renderDetail();
  }

  /** The document shown, for the address bar. */
  get selected(): string | undefined {
    return this.#selected;
  }

  /** The passage highlighted, for the address bar. */
  get chunk(): number | undefined {
    return this.#chunk;
  }

  /** Opens a document (when the list has loaded, else remembers it) and highlights one of its passages. */
  select(id: string, chunk?: number): void {
    const changed = id !== this.#selected;
    this.#selected = id;
    this.#chunk = chunk;
    this.#options.onSelect();
    if (!this.#loaded) return;
    this.#renderList();
    if (changed || this.#detail?.document.id !== id) void this.#loadDetail();
    else this.#highlight(true);
  }

  setVisible(visible: boolean): void {
    const shown = visible && !this.#visible;
    this.#visible = visible;
    if (shown) void this.#load();
  }

  /** Loads the page again if it shows; otherwise it loads when it next shows. */
  refresh(): void {
    if (this.#visible) void this.#load();
  }

  async #load(): Promise<void> {
    this.#listRequest?.abort();
    const controller = new AbortController();
    this.#listRequest = controller;
    try {
      const documents = await this.#options.api.documents(controller.signal);
      if (controller.signal.aborted) return;
      this.#documents = documents;
      this.#loaded = true;
      this.#error = '';
      const first = documents[0];
      if (first && !documents.some((d) => d.id === this.#selected)) {
        this.#selected = first.id;
        this.#chunk = undefined;
        this.#options.onSelect();
      }
      this.#renderList();
      if (this.#selected) await this.#loadDetail();
      else this.#renderDetail();
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) return;
      const first = this.#error === '';
      this.#error = errorMessage(error);
      if (first) this.#options.onError(`Could not load the documents: ${this.#error}`);
      this.#renderList();
    } finally {
      if (this.#listRequest === controller) this.#listRequest = undefined;
    }
  }

  async #loadDetail(): Promise<void> {
    const id = this.#selected;
    if (!id) return;
    this.#detailRequest?.abort();
    const controller = new AbortController();
    this.#detailRequest = controller;
    try {
      const detail = await this.#options.api.document(id, controller.signal);
      if (controller.signal.aborted || id !== this.#selected) return;
      this.#detail = detail;
      this.#renderDetail();
      this.#highlight(true);
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      this.#detail = undefined;
      this.#renderDetail(
        error instanceof ApiError && error.status === 404
          ? `No document "${id}" — it may have been deleted.`
          : `Could not load the document: ${errorMessage(error)}`,
      );
    } finally {
      if (this.#detailRequest === controller) this.#detailRequest = undefined;
    }
  }

  async #search(): Promise<void> {
    const query = this.#query.value.trim();
    this.#searchRequest?.abort();
    if (query === '') {
      this.#results.hidden = true;
      replaceChildren(this.#searchStatus);
      return;
    }
    const controller = new AbortController();
    this.#searchRequest = controller;
    replaceChildren(this.#searchStatus, 'Searching…');
    try {
      const found = await this.#options.api.searchDocuments(
        { query, limit: SEARCH_LIMIT },
        controller.signal,
      );
      if (controller.signal.aborted) return;
      this.#renderResults(found);
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      this.#results.hidden = true;
      replaceChildren(this.#searchStatus, h('span', { class: 'error-text' }, errorMessage(error)));
    } finally {
      if (this.#searchRequest === controller) this.#searchRequest = undefined;
    }
  }

  #renderResults(found: SearchResponse): void {
    const n = found.passages.length;
    replaceChildren(
      this.#searchStatus,
      `${n} passage${n === 1 ? '' : 's'} · ${found.method === 'hybrid' ? 'words and meaning' : 'words'}`,
    );
    this.#results.hidden = false;
    if (n === 0) {
      replaceChildren(this.#results, h('li', { class: 'empty' }, 'Nothing found.'));
      return;
    }
    replaceChildren(
      this.#results,
      ...found.passages.map((hit) =>
        h(
          'li',
          { 'data-testid': `doc-result-${hit.document}-${hit.seq}` },
          h(
            'a',
            { href: passageHref(hit.document, hit.seq), class: 'doc-result-link' },
            h('span', { class: 'doc-result-title' }, hit.title),
            ...sectionParts(hit.section).flatMap((part) => [h('span', { class: 'sep' }, ' › '), part]),
            hit.page ? h('span', { class: 'pill' }, pageLabel(hit.page)) : null,
          ),
          h('p', { class: 'doc-result-text' }, snippet(hit.text)),
        ),
      ),
    );
  }

  #renderList(): void {
    const documents = this.#documents;
    replaceChildren(this.#summary, `${documents.length} document${documents.length === 1 ? '' : 's'}`);
    if (documents.length === 0) {
      replaceChildren(
        this.#rows,
        messageRow(
          5,
          this.#error ||
            (this.#loaded
              ? 'No documents yet — import one with `gemba documents import --file manual.pdf` (engineer role).'
              : 'Loading documents…'),
          Boolean(this.#error),
        ),
      );
      return;
    }
    replaceChildren(
      this.#rows,
      ...documents.map((d) => {
        const selected = d.id === this.#selected;
        return h(
          'tr',
          {
            'data-doc': d.id,
            'data-testid': `doc-row-${d.id}`,
            class: selected ? 'charted' : undefined,
            tabindex: 0,
            'aria-selected': String(selected),
          },
          h('td', { class: 'doc-title', title: d.source ?? d.id }, d.title),
          h('td', {}, formatLabel(d.format)),
          h('td', { title: [...d.assets, d.equipmentType ?? ''].filter(Boolean).join('\n') }, aboutLabel(d)),
          h('td', { class: 'num' }, String(d.chunks)),
          h(
            'td',
            { class: 'muted', title: `${formatDateTime(d.importedAt)} by ${d.importedBy}` },
            formatDay(d.importedAt),
          ),
        );
      }),
    );
  }

  #renderDetail(message?: string): void {
    const detail = this.#detail;
    if (!detail || detail.document.id !== this.#selected) {
      replaceChildren(this.#detailHead, h('h2', {}, 'Passages'));
      replaceChildren(this.#detailFacts);
      replaceChildren(
        this.#passages,
        h(
          'p',
          { class: message ? 'error-text' : 'empty' },
          message ?? (this.#selected ? 'Loading…' : 'Choose a document.'),
        ),
      );
      return;
    }
    const d = detail.document;
    replaceChildren(
      this.#detailHead,
      h('h2', { title: d.title }, d.title),
      h('div', { class: 'panel-summary' }, `${detail.passages.length} passages`),
    );
    replaceChildren(
      this.#detailFacts,
      [
        formatLabel(d.format),
        d.pages ? `${d.pages} page${d.pages === 1 ? '' : 's'}` : '',
        d.source ?? '',
        `imported ${formatDateTime(d.importedAt)} by ${d.importedBy}`,
      ]
        .filter((s) => s !== '')
        .join(' · '),
    );
    replaceChildren(this.#passages, ...detail.passages.map((p) => this.#passageElement(d.id, p)));
  }

  #passageElement(document: string, p: Passage): HTMLElement {
    const parts = sectionParts(p.section);
    return h(
      'article',
      {
        class: 'doc-passage',
        id: `passage-${p.seq}`,
        'data-seq': p.seq,
        'data-testid': `doc-passage-${p.seq}`,
      },
      h(
        'header',
        { class: 'doc-passage-head' },
        h(
          'span',
          { class: 'doc-section' },
          ...(parts.length === 0
            ? [h('span', { class: 'muted' }, '(before the first heading)')]
            : parts.flatMap((part, i) => [i > 0 ? h('span', { class: 'sep' }, ' › ') : null, part])),
        ),
        p.page ? h('span', { class: 'pill', 'data-testid': `doc-page-${p.seq}` }, pageLabel(p.page)) : null,
        h(
          'a',
          { class: 'doc-anchor muted', href: passageHref(document, p.seq), title: 'Link to this passage' },
          `#${p.seq}`,
        ),
      ),
      // Text, not markup: a document's content is shown exactly as it was extracted.
      h('div', { class: 'doc-passage-text' }, p.text),
    );
  }

  /** Marks the chosen passage and, when asked, scrolls it into view. */
  #highlight(scroll: boolean): void {
    for (const el of this.#passages.querySelectorAll('.doc-passage.highlight')) {
      el.classList.remove('highlight');
      el.removeAttribute('aria-current');
    }
    if (this.#chunk === undefined) return;
    const el = this.#passages.querySelector<HTMLElement>(`[data-seq="${this.#chunk}"]`);
    if (!el) return;
    el.classList.add('highlight');
    el.setAttribute('aria-current', 'true');
    if (scroll && this.#visible) el.scrollIntoView({ block: 'center' });
  }
}
