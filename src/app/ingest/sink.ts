/** The IngestSink connectors deliver to: the ingest pipeline, plus tag auto-registration through the operations. */
import {
  ASSET_LEVELS,
  type AssetLevel,
  type IngestSink,
  type Principal,
  type TagInput,
  UserError,
  tagPath,
} from '../../domain/index.js';
import type { App } from '../registry.js';

/**
 * The ISA-95 level of a new asset at `index` (0-based) in its path: by depth, enterprise / site / area / line /
 * cell / equipment. Depth alone, so a child is always deeper than its parent, whichever connector adds it:
 * acme/plant1/stamping/line1/press3 becomes a cell if auto-registered (create it as equipment beforehand to say
 * otherwise; existing assets keep their level).
 */
export function levelByDepth(index: number): AssetLevel {
  return ASSET_LEVELS[Math.min(index, ASSET_LEVELS.length - 1)] ?? 'equipment';
}

export function createIngestSink(app: App, principal: Principal): IngestSink {
  const { ingest, tags, store } = app.services;
  // Registrations run one at a time: two new tags of one new machine must not race to create its assets.
  let registering: Promise<unknown> = Promise.resolve();

  async function register(tag: TagInput): Promise<boolean> {
    const path = tagPath(tag.asset, tag.name);
    if (tags.byPath(path)) return false;
    const segments = tag.asset.split('/');
    for (let i = 0; i < segments.length; i++) {
      const assetPath = segments.slice(0, i + 1).join('/');
      if (await store.getAsset(assetPath)) continue;
      const name = segments[i] ?? assetPath;
      await app.call('assets.create', { path: assetPath, level: levelByDepth(i), name }, principal);
    }
    try {
      await app.call('tags.create', tag, principal);
      return true;
    } catch (error) {
      if (error instanceof UserError && error.code === 'already_exists') return false;
      throw error;
    }
  }

  return {
    writeSamples: (items, source) => ingest.ingestSamples(items, source),
    writeEvents: async (items, source) => {
      const { accepted, rejected, errors } = await ingest.ingestEvents(items, source);
      return { accepted, rejected, errors };
    },
    deadLetter: (source, reason, payload) => ingest.rejectRaw(source, reason, payload),
    hasTag: (path) => tags.byPath(path) !== undefined,
    registerTag: (tag) => {
      const next = registering.then(() => register(tag));
      registering = next.catch(() => undefined);
      return next;
    },
  };
}
