/** Operations on tags. */
import { z } from 'zod';
import { AssetPath, Tag, TagInput, UserError, isUnder, tagPath } from '../../domain/index.js';
import { defineOperation } from '../operation.js';

export const listTags = defineOperation({
  name: 'tags.list',
  description: 'List tags, optionally only those of assets at or below a path.',
  input: z.object({ under: AssetPath.optional() }),
  output: z.object({ tags: z.array(Tag) }),
  permission: 'viewer',
  http: { method: 'GET', path: '/tags' },
  audit: false,
  handler: ({ under }, { services }) =>
    Promise.resolve({
      tags: services.tags
        .all()
        .filter((t) => under === undefined || isUnder(t.asset, under))
        .sort((a, b) => a.path.localeCompare(b.path)),
    }),
});

export const createTag = defineOperation({
  name: 'tags.create',
  description: 'Define a tag on an asset: unit, data type, description, spec limits and source binding.',
  input: TagInput,
  output: z.object({ tag: Tag }),
  permission: 'engineer',
  http: { method: 'POST', path: '/tags' },
  audit: true,
  handler: async (input, { services }) => {
    if (!(await services.store.getAsset(input.asset))) {
      throw new UserError('not_found', `asset "${input.asset}" does not exist; create it first`);
    }
    if (input.dataType !== 'state' && input.states !== undefined) {
      throw new UserError('invalid_input', 'states are only for tags of data type "state"');
    }
    const tag = await services.store.createTag({ ...input, path: tagPath(input.asset, input.name) });
    services.tags.add(tag);
    return { tag };
  },
});
