/** A tiny element builder: enough DOM helper to keep the components readable without a framework. */

type AttrValue = string | number | boolean | null | undefined;
export type Child = Node | string | number | null | undefined | false;

/**
 * Creates an element; `class` sets the class name, `true` sets an empty attribute, `false`/nullish skip it.
 * @example h('button', { class: 'preset', 'data-window': '1h' }, '1 h')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, AttrValue>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A row of toggle buttons of which one is pressed (a time-window picker). */
export interface WindowPicker<T extends string> {
  readonly element: HTMLElement;
  /** Marks `id` pressed (without calling onPick). */
  select(id: T): void;
}

/**
 * Buttons for time windows; a click on another window than the pressed one calls `onPick` with its id.
 * @example windowPicker([{ id: '1h', label: '1 h' }], '1h', isWindowId, (id) => chart.setWindow(id))
 */
export function windowPicker<T extends string>(
  windows: readonly { readonly id: T; readonly label: string }[],
  selected: T,
  isId: (value: string | undefined) => value is T,
  onPick: (id: T) => void,
): WindowPicker<T> {
  let current = selected;
  const element = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'Time window' },
    ...windows.map((w) =>
      h(
        'button',
        { type: 'button', 'data-window': w.id, 'aria-pressed': String(w.id === selected) },
        w.label,
      ),
    ),
  );
  const select = (id: T): void => {
    current = id;
    for (const button of element.querySelectorAll<HTMLElement>('[data-window]')) {
      button.setAttribute('aria-pressed', String(button.dataset['window'] === id));
    }
  };
  element.addEventListener('click', (event) => {
    if (!(event.target instanceof Element)) return;
    const id = event.target.closest<HTMLElement>('[data-window]')?.dataset['window'];
    if (isId(id) && id !== current) onPick(id);
  });
  return { element, select };
}

/**
 * A term and its value for a description list (<dl>); `testid` names the value as data-fact for tests.
 * @example replaceChildren(dl, ...fact('Makespan', '412 min', 'makespan'))
 */
export function fact(name: string, value: Node | string, testid?: string): HTMLElement[] {
  return [h('dt', {}, name), h('dd', testid ? { 'data-fact': testid } : {}, value)];
}

/** A table column's header: its label, or its label and the header cell's attributes. */
export type Column = string | readonly [label: string, attrs: Readonly<Record<string, AttrValue>>];

/**
 * A table head of one row of header cells.
 * @example h('table', {}, tableHead('Order', ['Quantity', { class: 'num' }]), body)
 */
export function tableHead(...columns: readonly Column[]): HTMLTableSectionElement {
  return h(
    'thead',
    {},
    h('tr', {}, ...columns.map((c) => (typeof c === 'string' ? h('th', {}, c) : h('th', c[1], c[0])))),
  );
}

/**
 * Calls `pick` with a row's `data-<key>` value when the row is clicked, or chosen from the keyboard (Enter, Space).
 * @example onRowPick(tbody, 'item', (id) => page.select(id)) // rows carry data-item="bracket-A"
 */
export function onRowPick(rows: HTMLElement, key: string, pick: (value: string) => void): void {
  const chosen = (event: Event) => {
    if (!(event.target instanceof Element)) return;
    const value = event.target.closest<HTMLElement>(`[data-${key}]`)?.dataset[key];
    if (value) pick(value);
  };
  rows.addEventListener('click', chosen);
  rows.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    chosen(event);
  });
}

/** A table's only row when it has nothing to show: an error, or what to do while it is empty or loading. */
export function messageRow(columns: number, text: string, isError: boolean): HTMLTableRowElement {
  return h('tr', {}, h('td', { colspan: columns, class: isError ? 'error-text' : 'empty' }, text));
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

type SvgChild = Node | string | null | undefined | false;

/**
 * Creates an SVG element (the charts draw with these); nullish attributes are skipped.
 * @example svg('rect', { x: 0, y: 0, width: 10, height: 4, class: 'bar' }, svg('title', {}, 'busy 62 %'))
 */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number | undefined>> = {},
  ...children: SvgChild[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs))
    if (value !== undefined) el.setAttribute(name, String(value));
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}
