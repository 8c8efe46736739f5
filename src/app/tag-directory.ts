/** An in-memory index of tags by path and by id, kept current as tags are created. */
import { type Tag, type TagRepository, UserError } from '../domain/index.js';

export class TagDirectory {
  readonly #byPath = new Map<string, Tag>();
  readonly #byId = new Map<number, Tag>();

  static async load(repo: TagRepository): Promise<TagDirectory> {
    const dir = new TagDirectory();
    for (const tag of await repo.listTags()) dir.add(tag);
    return dir;
  }

  add(tag: Tag): void {
    this.#byPath.set(tag.path, tag);
    this.#byId.set(tag.id, tag);
  }

  byPath(path: string): Tag | undefined {
    return this.#byPath.get(path);
  }

  byId(id: number): Tag | undefined {
    return this.#byId.get(id);
  }

  /** The tag at `path`, or a not_found UserError naming it. */
  require(path: string): Tag {
    const tag = this.#byPath.get(path);
    if (!tag) throw new UserError('not_found', `no tag "${path}"`, { details: { tag: path } });
    return tag;
  }

  all(): Tag[] {
    return [...this.#byPath.values()];
  }

  get size(): number {
    return this.#byPath.size;
  }
}
