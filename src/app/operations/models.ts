/** The model registry: list the trained models with their metrics, read one version. */
import { z } from 'zod';
import { ModelName, ModelRecord, ModelSummary, UserError } from '../../domain/index.js';
import { defineOperation } from '../operation.js';

export const listModels = defineOperation({
  name: 'models.list',
  description:
    'Every model version in the registry (newest version first per name): task, algorithm, status, training window, ' +
    'features, metrics, deployment and the last drift check — without the artifacts.',
  input: z.object({ name: ModelName.optional() }),
  output: z.object({ models: z.array(ModelSummary) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/models' },
  audit: false,
  handler: async ({ name }, { services }) => {
    const models = await services.store.listModels();
    return { models: name === undefined ? models : models.filter((m) => m.name === name) };
  },
});

export const getModel = defineOperation({
  name: 'models.get',
  description: 'One model version (the newest when no version is given), with its artifact when asked for.',
  input: z.object({
    name: ModelName,
    version: z.coerce.number().int().positive().optional(),
    artifact: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
      .default(false)
      .meta({ description: 'Include the learner’s JSON (can be large)' }),
  }),
  output: z.object({ model: ModelRecord.partial({ artifact: true }) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/models/get' },
  audit: false,
  handler: async (input, { services }) => {
    const model = await services.store.getModel(input.name, input.version);
    if (!model) {
      throw new UserError(
        'not_found',
        `no model ${input.name}${input.version === undefined ? '' : ` version ${input.version}`}`,
      );
    }
    if (input.artifact) return { model };
    const { artifact: _artifact, ...summary } = model;
    return { model: summary };
  },
});
