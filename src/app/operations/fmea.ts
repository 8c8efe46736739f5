/** FMEA rows: import (all or nothing), list for an asset by risk priority number, delete. */
import { z } from 'zod';
import {
  AssetPath,
  FailureMode,
  FailureModeId,
  FailureModeInput,
  UserError,
  toFailureMode,
} from '../../domain/index.js';
import { appliesTo } from '../graph/failure-match.js';
import { byRpn } from '../graph/knowledge-graph.js';
import { defineOperation } from '../operation.js';
import { PositiveInt } from './common.js';

export const importFailureModes = defineOperation({
  name: 'fmea.import',
  description:
    'Import FMEA rows (failure modes of an asset or an equipment type, with severity, occurrence and detection ' +
    'ratings; RPN = S×O×D). A row with the id of a stored one replaces it. All or nothing: a bad row is reported ' +
    'by its index and field, and then no row is stored.',
  input: z.object({ rows: z.array(FailureModeInput).min(1).max(10_000) }),
  output: z.object({
    stored: z.number().int(),
    failureModes: z.array(FailureMode),
    /** Equipment types no asset has (yet): such rows apply to nothing until one does. */
    warnings: z.array(z.string()),
  }),
  permission: 'engineer',
  http: { method: 'POST', path: '/fmea/import' },
  audit: true,
  handler: async ({ rows }, { services }) => {
    const assets = await services.store.listAssets();
    const paths = new Set(assets.map((a) => a.path));
    const problems: Array<{ index: number; field: string; message: string }> = [];
    const firstIndex = new Map<string, number>();
    rows.forEach((row, index) => {
      const seen = firstIndex.get(row.id);
      if (seen !== undefined)
        problems.push({ index, field: 'id', message: `"${row.id}" is also the id of row ${seen}` });
      else firstIndex.set(row.id, index);
      if (row.asset !== undefined && !paths.has(row.asset))
        problems.push({ index, field: 'asset', message: `no asset "${row.asset}"` });
    });
    if (problems.length > 0) {
      throw new UserError(
        'invalid_input',
        `fmea.import: nothing stored; ${problems
          .slice(0, 20)
          .map((p) => `rows.${p.index}.${p.field}: ${p.message}`)
          .join('; ')}`,
        { details: { problems: problems.slice(0, 100) } },
      );
    }
    const failureModes = rows.map(toFailureMode);
    await services.store.putFailureModes(failureModes);
    const kinds = new Set(assets.flatMap((a) => (a.kind !== undefined ? [a.kind] : [])));
    const unknownTypes = [
      ...new Set(failureModes.flatMap((r) => (r.equipmentType !== undefined ? [r.equipmentType] : []))),
    ].filter((t) => !kinds.has(t));
    return {
      stored: failureModes.length,
      failureModes: [...failureModes].sort(byRpn),
      warnings: unknownTypes.map(
        (t) => `no asset is of equipment type "${t}" (asset kinds: ${[...kinds].join(', ') || 'none'})`,
      ),
    };
  },
});

export const listFailureModes = defineOperation({
  name: 'fmea.list',
  description:
    'FMEA rows, highest risk priority number (S×O×D) first. With `asset`: the rows written for that asset, for an ' +
    'asset above it (its line, area…) or for its equipment type (the asset’s kind).',
  input: z.object({
    asset: AssetPath.optional(),
    equipmentType: z.string().max(100).optional().meta({ description: 'Only rows for this equipment type' }),
    minRpn: z.coerce.number().int().min(1).max(1000).optional(),
    limit: PositiveInt(10_000).default(500),
  }),
  output: z.object({ failureModes: z.array(FailureMode) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/fmea' },
  audit: false,
  handler: async (input, { services }) => {
    let rows = await services.store.listFailureModes();
    if (input.asset !== undefined) {
      const asset = await services.store.getAsset(input.asset);
      if (!asset) throw new UserError('not_found', `no asset "${input.asset}"`);
      rows = rows.filter((r) => appliesTo(r, asset));
    }
    if (input.equipmentType !== undefined) rows = rows.filter((r) => r.equipmentType === input.equipmentType);
    if (input.minRpn !== undefined) rows = rows.filter((r) => r.rpn >= (input.minRpn ?? 0));
    return { failureModes: rows.sort(byRpn).slice(0, input.limit) };
  },
});

export const deleteFailureMode = defineOperation({
  name: 'fmea.delete',
  description: 'Delete one FMEA row by its id.',
  input: z.object({ id: FailureModeId }),
  output: z.object({ deleted: z.boolean() }),
  permission: 'engineer',
  http: { method: 'POST', path: '/fmea/delete' },
  audit: true,
  handler: async ({ id }, { services }) => {
    const deleted = await services.store.deleteFailureMode(id);
    if (!deleted) throw new UserError('not_found', `no FMEA row "${id}"`);
    return { deleted };
  },
});

export const FMEA_OPERATIONS = [importFailureModes, listFailureModes, deleteFailureMode] as const;
