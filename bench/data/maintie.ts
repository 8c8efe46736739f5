/**
 * MaintIE gold work orders (Bikaun et al., LREC-COLING 2024; github.com/nlp-tlp/maintie, MIT) turned into a
 * document classification task: what condition does the work order report? See bench/data/README.md.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../src/domain/errors.js';

/** The three conditions, in the order the benchmark reports them. */
export const MAINTIE_CONDITIONS = ['failed', 'fault-or-degraded', 'no-fault'] as const;
export type MaintieCondition = (typeof MAINTIE_CONDITIONS)[number];

const GoldRecord = z.object({
  text: z.string(),
  tokens: z.array(z.string()),
  entities: z.array(z.object({ start: z.number().int(), end: z.number().int(), type: z.string() })),
});

export interface MaintieTask {
  readonly texts: string[];
  readonly labels: MaintieCondition[];
  readonly counts: Record<MaintieCondition, number>;
  readonly file: string;
}

const isUnder = (type: string, prefix: string) => type === prefix || type.startsWith(`${prefix}/`);

/**
 * The condition a work order reports, from its gold entity annotations, most severe first:
 * `failed` if any span is `State/UndesirableState/FailedState` (or below); else `fault-or-degraded` if any span is
 * another `State/UndesirableState` (the bare class, e.g. "fault", or `DegradedState`), a
 * `Process/UndesirableProcess` ("leaking", "overheating") or a `Property/UndesirableProperty`; else `no-fault`
 * (a work request naming only objects and activities: "replace gel cell batteries").
 */
export function conditionOf(entityTypes: readonly string[]): MaintieCondition {
  if (entityTypes.some((t) => isUnder(t, 'State/UndesirableState/FailedState'))) return 'failed';
  const undesirable = [
    'State/UndesirableState',
    'Process/UndesirableProcess',
    'Property/UndesirableProperty',
  ];
  if (entityTypes.some((t) => undesirable.some((p) => isUnder(t, p)))) return 'fault-or-degraded';
  return 'no-fault';
}

/**
 * Reads `<dataDir>/text_maintie/gold_release.json`; `undefined` when the file is absent (the caller skips).
 * Every record is validated; a malformed one fails the load with its index.
 */
export async function loadMaintieConditions(dataDir: string): Promise<MaintieTask | undefined> {
  const file = join(dataDir, 'text_maintie', 'gold_release.json');
  if (
    !(await stat(file).then(
      (s) => s.isFile(),
      () => false,
    ))
  )
    return undefined;
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(raw)) throw new UserError('invalid_input', `${file} is not a JSON list`);
  const texts: string[] = [];
  const labels: MaintieCondition[] = [];
  const counts: Record<MaintieCondition, number> = { failed: 0, 'fault-or-degraded': 0, 'no-fault': 0 };
  raw.forEach((item: unknown, i) => {
    const parsed = GoldRecord.safeParse(item);
    if (!parsed.success) throw new UserError('invalid_input', `${file} record ${i}: ${parsed.error.message}`);
    const label = conditionOf(parsed.data.entities.map((e) => e.type));
    texts.push(parsed.data.text);
    labels.push(label);
    counts[label]++;
  });
  return { texts, labels, counts, file };
}
