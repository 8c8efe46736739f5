/** The plant hierarchy built from the API's flat lists: assets by slash path, each with its tags. Pure data. */
import type { Asset, Tag } from './model.js';

export interface PlantNode {
  readonly asset: Asset;
  readonly children: PlantNode[];
  readonly tags: Tag[];
  /** True when the API listed no asset at this path and the node only stands in for a missing parent. */
  readonly implied: boolean;
}

/**
 * Builds the hierarchy from slash paths. A parent the API did not list is implied, so no asset is lost;
 * a tag whose asset is unknown hangs under an implied node for that path.
 * @example buildPlantTree([{ path: 'acme', ... }, { path: 'acme/plant1', ... }], tags)[0].children[0].asset.path === 'acme/plant1'
 */
export function buildPlantTree(assets: readonly Asset[], tags: readonly Tag[]): PlantNode[] {
  const nodes = new Map<string, PlantNode>();
  const roots: PlantNode[] = [];
  const ensure = (path: string, asset?: Asset): PlantNode => {
    const existing = nodes.get(path);
    if (existing) return existing;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const node: PlantNode = {
      asset: asset ?? { path, level: '', name },
      children: [],
      tags: [],
      implied: asset === undefined,
    };
    nodes.set(path, node);
    const slash = path.lastIndexOf('/');
    if (slash < 0) roots.push(node);
    else ensure(path.slice(0, slash)).children.push(node);
    return node;
  };
  // Parents sort before children, so listed parents are created from their own record, not implied.
  for (const asset of [...assets].sort((a, b) => a.path.localeCompare(b.path))) {
    const node = nodes.get(asset.path);
    if (node?.implied) Object.assign(node, { asset, implied: false });
    else ensure(asset.path, asset);
  }
  for (const tag of tags) ensure(tag.asset).tags.push(tag);
  const sortNode = (node: PlantNode): void => {
    node.children.sort((a, b) => naturalCompare(a.asset.name, b.asset.name));
    node.tags.sort((a, b) => naturalCompare(a.name, b.name));
    node.children.forEach(sortNode);
  };
  roots.sort((a, b) => naturalCompare(a.asset.name, b.asset.name));
  roots.forEach(sortNode);
  return roots;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b); // press2 before press10
}
