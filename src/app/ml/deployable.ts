/**
 * What deploying, replaying and drift-checking need of any live model, whatever its kind: its inputs (tag names on
 * its asset), the state gate, the row width, the alarm threshold, the training deciles per input, and a fresh
 * scorer. Anomaly models (anomaly-models.ts) and failure / RUL models (failure-models.ts) both provide it.
 */
import type { ModelRecord } from '../../domain/index.js';
import { UserError } from '../../domain/index.js';
import { AnomalyArtifact, anomalyScorer } from './anomaly-models.js';
import { type FailureArtifact, failureScorer, parseFailureArtifact } from './failure-models.js';
import type { RowScorer } from './live-models.js';

export interface LiveModelView {
  readonly inputs: readonly string[];
  /** Rows count only while this input (a state tag) has one of these codes. */
  readonly condition?: { readonly input: string; readonly equals: readonly number[] };
  readonly bucketMs: number;
  readonly threshold: number;
  /** Training deciles per input, for drift checks. */
  readonly reference: Readonly<Record<string, { edges: number[]; expected: number[] }>>;
  /** The failure model's artifact, when it is one (labels for evaluation and performance drift). */
  readonly failure?: FailureArtifact;
  /** What the score tag holds, for its description. */
  readonly scoreMeaning: string;
  /** A new scorer (scorers keep state: one per replay or deployment). */
  scorer(): RowScorer;
}

export function liveModelView(model: ModelRecord): LiveModelView {
  const failure = parseFailureArtifact(model.artifact);
  if (failure) {
    const minutes = failure.horizonMs / 60_000;
    return {
      inputs: failure.inputs,
      ...(failure.condition !== undefined && { condition: failure.condition }),
      bucketMs: failure.bucketMs,
      threshold: failure.threshold,
      reference: failure.reference,
      failure,
      scoreMeaning:
        failure.target === 'rul'
          ? `Predicted minutes to a ${failure.failureReason} failure (capped at ${minutes}; alarm at or below ${failure.threshold})`
          : `Probability of a ${failure.failureReason} failure within ${minutes} min (alarm at or above ${failure.threshold})`,
      scorer: () => failureScorer(failure),
    };
  }
  const anomaly = AnomalyArtifact.safeParse(model.artifact);
  if (!anomaly.success) {
    throw new UserError(
      'invalid_input',
      `model ${model.name} v${model.version} (${model.algorithm}) cannot run on live tags: only anomaly and ` +
        'failure/RUL models trained on an asset’s tags can',
    );
  }
  const artifact = anomaly.data;
  return {
    inputs: artifact.inputs,
    ...(artifact.condition !== undefined && { condition: artifact.condition }),
    bucketMs: artifact.bucketMs,
    threshold: artifact.threshold,
    reference: artifact.reference,
    scoreMeaning: `Anomaly score of model ${model.name} (alarm above ${artifact.threshold.toPrecision(3)})`,
    scorer: () => anomalyScorer(artifact),
  };
}
