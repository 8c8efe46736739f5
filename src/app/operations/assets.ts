/** Operations on the ISA-95 asset tree. */
import { z } from 'zod';
import { Asset, AssetPath, UserError, isUnder, isValidChildLevel, parentPath } from '../../domain/index.js';
import { defineOperation } from '../operation.js';

export const listAssets = defineOperation({
  name: 'assets.list',
  description: 'List the assets of the plant tree, optionally only those at or below a path.',
  input: z.object({ under: AssetPath.optional() }),
  output: z.object({ assets: z.array(Asset) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/assets' },
  audit: false,
  handler: async ({ under }, { services }) => {
    const assets = await services.store.listAssets();
    return {
      assets: assets
        .filter((a) => under === undefined || isUnder(a.path, under))
        .sort((a, b) => a.path.localeCompare(b.path)),
    };
  },
});

export const createAsset = defineOperation({
  name: 'assets.create',
  description:
    'Add an asset to the plant tree. Its parent must exist and sit at a higher ISA-95 level; a root is an enterprise.',
  input: Asset,
  output: z.object({ asset: Asset }),
  permission: 'engineer',
  http: { method: 'POST', path: '/assets' },
  audit: true,
  handler: async (asset, { services }) => {
    const parent = parentPath(asset.path);
    if (parent === undefined) {
      if (asset.level !== 'enterprise') {
        throw new UserError('invalid_input', `a root asset must be an enterprise, not a ${asset.level}`);
      }
    } else {
      const parentAsset = await services.store.getAsset(parent);
      if (!parentAsset) {
        throw new UserError('not_found', `parent asset "${parent}" does not exist; create it first`);
      }
      if (!isValidChildLevel(parentAsset.level, asset.level)) {
        throw new UserError(
          'invalid_input',
          `a ${asset.level} cannot sit below a ${parentAsset.level} (ISA-95 order: enterprise, site, area, line, cell, equipment)`,
        );
      }
    }
    await services.store.createAsset(asset);
    return { asset };
  },
});
