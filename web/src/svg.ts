/**
 * Charts the server draws as SVG (the Planning page's Gantt, the Supply page's fan chart) put on the page safely:
 * parsed as an SVG image, never as HTML, with anything active dropped and their ids made unique on the page.
 */
import { errorMessage } from './api.js';
import { SVG_NS, h, replaceChildren } from './dom.js';

let svgCount = 0;

/**
 * The server's chart markup as an SVG element for this page, or undefined when it is not one: parsed as
 * image/svg+xml (never as HTML), the root must be an <svg> in the SVG namespace, and anything active (scripts,
 * foreign objects, event handlers, external links) is dropped. Its ids are made unique on the page, so two charts'
 * patterns do not resolve to each other (or to one in a hidden chart, which Chromium does not paint).
 */
export function parseSvg(markup: string): SVGSVGElement | undefined {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== 'svg' || doc.querySelector('parsererror')) {
    return undefined;
  }
  for (const el of root.querySelectorAll('script, foreignObject')) el.remove();
  const prefix = `g${++svgCount}-`;
  const ids = new Set<string>();
  for (const el of root.querySelectorAll('[id]')) {
    ids.add(el.id);
    el.id = prefix + el.id;
  }
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) el.removeAttribute(attr.name);
      else if ((name === 'href' || name === 'xlink:href') && !attr.value.startsWith('#'))
        el.removeAttribute(attr.name);
      else if (attr.value.includes('url(#') || attr.value.startsWith('#')) {
        el.setAttribute(
          attr.name,
          attr.value.replaceAll(/(url\(#|^#)([^)\s]+)/g, (match, lead: string, id: string) =>
            ids.has(id) ? `${lead}${prefix}${id}` : match,
          ),
        );
      }
    }
  }
  const svg = document.importNode(root, true);
  return svg instanceof SVGSVGElement ? svg : undefined;
}

/**
 * Shows a server-drawn chart in `host`, or says that what came is not an SVG image.
 * @example showServerSvg(host, gantt.svg, 'Gantt chart')
 */
export function showServerSvg(host: HTMLElement, markup: string, chart: string): void {
  const svg = parseSvg(markup);
  replaceChildren(
    host,
    svg ?? h('p', { class: 'error-text' }, `The server sent a ${chart} that is not an SVG image.`),
  );
}

/**
 * Says in `host` why a server-drawn chart could not be loaded.
 * @example showServerSvgError(host, 'fan chart', error) // "Could not load the fan chart: no forecast for …"
 */
export function showServerSvgError(host: HTMLElement, chart: string, error: unknown): void {
  replaceChildren(
    host,
    h('p', { class: 'error-text' }, `Could not load the ${chart}: ${errorMessage(error)}`),
  );
}
