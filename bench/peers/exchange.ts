/**
 * Hands feature matrices to the Python peers (XGBoost, scikit-learn) as raw little-endian binaries in a temp dir,
 * runs a script with Debian's /usr/bin/python3, and reads its JSON answer. The peers are benchmark references only,
 * never runtime dependencies: they are installed with apt-get on first use when missing.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Matrix } from '../../src/analytics/ml/matrix.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const peersDir = fileURLToPath(new URL('.', import.meta.url));

async function importsWork(): Promise<boolean> {
  try {
    await run(PYTHON, ['-c', 'import xgboost, sklearn, numpy']);
    return true;
  } catch {
    return false; // the import failing is the answer we asked for
  }
}

/** Makes sure python3-xgboost and python3-sklearn are there; returns why not when they cannot be installed. */
export async function ensurePythonPeers(): Promise<string | undefined> {
  if (await importsWork()) return undefined;
  console.log('installing the peers: apt-get install -y python3-xgboost python3-sklearn');
  try {
    await run('apt-get', ['install', '-y', 'python3-xgboost', 'python3-sklearn'], {
      maxBuffer: 64 * 2 ** 20,
    });
  } catch (error) {
    return `apt-get install python3-xgboost python3-sklearn failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return (await importsWork()) ? undefined : 'python3 still cannot import xgboost and sklearn after apt-get';
}

/** Writes `name.f64` (row-major float64) and `name.json` ({ rows, cols, names }); a vector is rows × 1. */
export async function writeMatrix(dir: string, name: string, m: Matrix | Float64Array): Promise<void> {
  const matrix = m instanceof Float64Array ? { rows: m.length, cols: 1, data: m, names: [name] } : m;
  await writeFile(
    join(dir, `${name}.f64`),
    new Uint8Array(matrix.data.buffer, matrix.data.byteOffset, matrix.data.byteLength),
  );
  await writeFile(
    join(dir, `${name}.json`),
    JSON.stringify({ rows: matrix.rows, cols: matrix.cols, names: matrix.names }),
  );
}

/** Writes `name.i32` (int32 row indices). */
export async function writeIndices(dir: string, name: string, indices: Int32Array): Promise<void> {
  await writeFile(
    join(dir, `${name}.i32`),
    new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength),
  );
}

/**
 * Runs bench/peers/<script> on `dir` with OMP_NUM_THREADS=`threads`; the script writes `dir`/results.json, which is
 * returned. Its stderr (progress) is echoed.
 */
export async function runPeerScript(script: string, dir: string, threads: number): Promise<unknown> {
  const { stderr } = await run(PYTHON, [join(peersDir, script), dir, String(threads)], {
    env: { ...process.env, OMP_NUM_THREADS: String(threads), PYTHONDONTWRITEBYTECODE: '1' },
    maxBuffer: 64 * 2 ** 20,
  });
  if (stderr.trim() !== '') console.log(stderr.trim());
  return JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as unknown;
}
