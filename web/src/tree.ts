/** The ISA-95 plant tree (left): assets from their slash paths, each with its tags; collapsible and filterable. */
import { h, replaceChildren } from './dom.js';
import { unitLabel } from './format.js';
import { isUnder, type Asset, type Tag } from './model.js';
import type { PlantNode } from './plant-model.js';

const LEVEL_ABBREVIATIONS: Readonly<Record<string, string>> = {
  enterprise: 'ENT',
  site: 'SITE',
  area: 'AREA',
  line: 'LINE',
  cell: 'CELL',
  equipment: 'EQ',
};
/** Levels opened on first view; cells and equipment stay closed until asked for. */
const OPEN_LEVELS: ReadonlySet<string> = new Set(['enterprise', 'site', 'area', 'line']);

export interface PlantTreeOptions {
  readonly onSelectAsset: (path: string) => void;
  readonly onSelectTag: (tag: Tag) => void;
}

export class PlantTree {
  readonly element: HTMLElement;
  readonly #options: PlantTreeOptions;
  readonly #filterInput: HTMLInputElement;
  readonly #list: HTMLElement;
  readonly #summary: HTMLElement;
  #roots: PlantNode[] = [];
  readonly #open = new Set<string>();
  /** While a filter is active every shown branch is open, except those closed since the filter was typed. */
  readonly #closedWhileFiltering = new Set<string>();
  #selectedAsset: string | undefined;
  #selectedTag: string | undefined;
  #filter = '';
  #filterTimer: number | undefined;

  constructor(options: PlantTreeOptions) {
    this.#options = options;
    this.#filterInput = h('input', {
      type: 'search',
      class: 'tree-filter',
      placeholder: 'Filter assets and tags',
      'aria-label': 'Filter assets and tags',
      'data-testid': 'tree-filter',
      spellcheck: 'false',
    });
    this.#filterInput.addEventListener('input', () => {
      window.clearTimeout(this.#filterTimer);
      this.#filterTimer = window.setTimeout(() => this.#setFilter(this.#filterInput.value), 120);
    });
    this.#filterInput.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        this.#filterInput.value = '';
        this.#setFilter('');
      }
    });
    this.#list = h('div', { class: 'tree-body', role: 'tree', 'aria-label': 'Plant' });
    this.#list.addEventListener('click', this.#onClick);
    this.#summary = h('div', { class: 'tree-summary' });
    this.element = h(
      'nav',
      { class: 'panel tree', 'data-testid': 'plant-tree' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Plant'), this.#summary),
      h('div', { class: 'tree-filter-row' }, this.#filterInput),
      this.#list,
    );
  }

  setData(roots: PlantNode[]): void {
    this.#roots = roots;
    this.#open.clear();
    const openDefaults = (node: PlantNode): void => {
      if (node.implied || OPEN_LEVELS.has(node.asset.level)) this.#open.add(node.asset.path);
      node.children.forEach(openDefaults);
    };
    roots.forEach(openDefaults);
    let assets = 0;
    let tags = 0;
    const count = (node: PlantNode): void => {
      assets += 1;
      tags += node.tags.length;
      node.children.forEach(count);
    };
    roots.forEach(count);
    this.#summary.textContent = `${assets} assets · ${tags} tags`;
    this.#render();
  }

  /** Marks the selection; a newly selected asset or tag has the branch that holds it opened. */
  setSelection(assetPath: string | undefined, tagPath: string | undefined): void {
    if (assetPath && assetPath !== this.#selectedAsset) this.#openAncestors(assetPath);
    if (tagPath && tagPath !== this.#selectedTag) this.#openAncestors(tagPath);
    this.#selectedAsset = assetPath;
    this.#selectedTag = tagPath;
    this.#render();
    this.#list.querySelector('.tag-row.selected, .asset-row.selected')?.scrollIntoView({ block: 'nearest' });
  }

  /** Opens every asset above `path` (an asset or tag path), so its row is visible. */
  #openAncestors(path: string): void {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) this.#open.add(segments.slice(0, i).join('/'));
  }

  #setFilter(text: string): void {
    this.#filter = text.trim().toLowerCase();
    this.#closedWhileFiltering.clear();
    this.#render();
  }

  readonly #onClick = (event: MouseEvent): void => {
    if (!(event.target instanceof Element)) return;
    const toggle = event.target.closest<HTMLElement>('[data-toggle]');
    if (toggle?.dataset['toggle']) {
      const path = toggle.dataset['toggle'];
      const set = this.#filter ? this.#closedWhileFiltering : this.#open;
      if (set.has(path)) set.delete(path);
      else set.add(path);
      this.#render();
      return;
    }
    const tagRow = event.target.closest<HTMLElement>('[data-tag]');
    const tagPath = tagRow?.dataset['tag'];
    if (tagPath) {
      const tag = this.#findTag(tagPath);
      if (tag) this.#options.onSelectTag(tag);
      return;
    }
    const assetPath = event.target.closest<HTMLElement>('[data-asset]')?.dataset['asset'];
    if (assetPath) this.#options.onSelectAsset(assetPath);
  };

  #findTag(path: string): Tag | undefined {
    const stack = [...this.#roots];
    for (let node = stack.pop(); node; node = stack.pop()) {
      const tag = node.tags.find((t) => t.path === path);
      if (tag) return tag;
      stack.push(...node.children);
    }
    return undefined;
  }

  #render(): void {
    const filter = this.#filter;
    const items: HTMLElement[] = [];
    for (const root of this.#roots) {
      const li = this.#renderNode(root, filter, 0);
      if (li) items.push(li);
    }
    if (items.length === 0) {
      replaceChildren(
        this.#list,
        h(
          'p',
          { class: 'empty' },
          this.#roots.length === 0 ? 'No assets yet.' : 'Nothing matches the filter.',
        ),
      );
      return;
    }
    replaceChildren(this.#list, h('ul', { role: 'group' }, ...items));
  }

  /** Renders a node, or returns null when a filter hides it and everything below it. */
  #renderNode(node: PlantNode, filter: string, depth: number): HTMLElement | null {
    const { asset } = node;
    const selfMatches = !filter || matchesAsset(asset, filter);
    const childItems: HTMLElement[] = [];
    const tagItems: HTMLElement[] = [];
    for (const child of node.children) {
      // Below a matching asset everything shows, so "press3" lists the press with all its tags.
      const li = this.#renderNode(child, selfMatches ? '' : filter, depth + 1);
      if (li) childItems.push(li);
    }
    for (const tag of node.tags) {
      if (selfMatches || matchesTag(tag, filter)) tagItems.push(this.#renderTag(tag, depth + 1));
    }
    if (!selfMatches && childItems.length === 0 && tagItems.length === 0) return null;

    const hasContent = node.children.length > 0 || node.tags.length > 0;
    // While filtering, what is shown is open: a matching asset shows its contents, a branch its matches.
    const open = this.#filter
      ? !this.#closedWhileFiltering.has(asset.path) && (filter !== '' || this.#open.has(asset.path))
      : this.#open.has(asset.path);
    const selected = asset.path === this.#selectedAsset;
    const inPath = this.#selectedAsset !== undefined && isUnder(this.#selectedAsset, asset.path);
    const title = [asset.path, asset.kind, asset.description].filter(Boolean).join('\n');
    const row = h(
      'div',
      {
        class: `row asset-row${selected ? ' selected' : ''}${inPath && !selected ? ' in-path' : ''}`,
        style: `--depth:${depth}`,
      },
      hasContent
        ? h(
            'button',
            {
              class: `caret${open ? ' open' : ''}`,
              'data-toggle': asset.path,
              'aria-label': open ? `Collapse ${asset.name}` : `Expand ${asset.name}`,
              type: 'button',
            },
            '▸',
          )
        : h('span', { class: 'caret-spacer' }),
      h(
        'button',
        { class: 'label', type: 'button', 'data-asset': asset.path, title },
        asset.level ? h('span', { class: `level level-${asset.level}` }, levelLabel(asset.level)) : null,
        h('span', { class: 'name' }, asset.name),
      ),
    );
    const li = h(
      'li',
      {
        role: 'treeitem',
        'aria-expanded': hasContent ? String(open) : null,
        'aria-selected': String(selected),
      },
      row,
    );
    if (open && (childItems.length > 0 || tagItems.length > 0)) {
      li.appendChild(h('ul', { role: 'group' }, ...tagItems, ...childItems));
    }
    return li;
  }

  #renderTag(tag: Tag, depth: number): HTMLElement {
    const selected = tag.path === this.#selectedTag;
    const unit = unitLabel(tag.unit);
    const title = [tag.path, tag.description].filter(Boolean).join('\n');
    return h(
      'li',
      { role: 'treeitem', 'aria-selected': String(selected) },
      h(
        'div',
        { class: `row tag-row${selected ? ' selected' : ''}`, style: `--depth:${depth}` },
        h('span', { class: 'caret-spacer' }),
        h(
          'button',
          {
            class: 'label',
            type: 'button',
            'data-tag': tag.path,
            'data-data-type': tag.dataType,
            'data-unit': tag.unit ?? null,
            title,
          },
          h('span', { class: `tag-icon type-${tag.dataType}`, 'aria-hidden': 'true' }),
          h('span', { class: 'name' }, tag.name),
          unit ? h('span', { class: 'unit' }, unit) : null,
        ),
      ),
    );
  }
}

function levelLabel(level: string): string {
  return LEVEL_ABBREVIATIONS[level] ?? level.slice(0, 4).toUpperCase();
}

function matchesAsset(asset: Asset, filter: string): boolean {
  return [asset.path, asset.name, asset.kind ?? ''].some((s) => s.toLowerCase().includes(filter));
}

function matchesTag(tag: Tag, filter: string): boolean {
  return [tag.path, tag.description ?? '', tag.unit ?? ''].some((s) => s.toLowerCase().includes(filter));
}
