/**
 * Where a setpoint goes when `setpoints.write` runs: writers (a PLC connection, the demo process) register the tags
 * they can set. Without one for a tag the operation refuses, rather than pretending the plant changed.
 */

/** Something that can set the setpoints of some tags on the plant. */
export interface SetpointWriter {
  /** A name for people: the connection or process, e.g. "demo forming process". */
  readonly name: string;
  /** Whether this writer can set the tag (full tag path). */
  handles(tagPath: string): boolean;
  /** Sets the tag to the value; rejects when the plant did not take it. */
  write(tagPath: string, value: number): Promise<void>;
}

/** The writers connected now, looked up by tag. */
export class SetpointWriters {
  readonly #writers = new Set<SetpointWriter>();

  /** Connects a writer until the returned handle is disposed. */
  register(writer: SetpointWriter): Disposable {
    this.#writers.add(writer);
    return { [Symbol.dispose]: () => void this.#writers.delete(writer) };
  }

  /** The writer for a tag, if one is connected. */
  writerFor(tagPath: string): SetpointWriter | undefined {
    for (const w of this.#writers) if (w.handles(tagPath)) return w;
    return undefined;
  }
}
