/** `gemba query <tag> [--from now-1h] [--to now] [--buckets N | --raw] [--limit N] [--format table|csv|json]` */
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, boolFlag, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';

interface BucketRow {
  ts: number;
  count: number;
  min: number;
  max: number;
  avg: number;
  last: number;
  quality: string;
}
interface RawRow {
  ts: number;
  value: number;
  quality: string;
}

export async function queryCommand(args: ParsedArgs, client: OperationClient): Promise<string> {
  const tag = args.positionals[0];
  if (tag === undefined)
    throw new UserError('invalid_input', 'usage: gemba query <tag path> [--from now-1h] [--raw]');
  const window = { tag, from: stringFlag(args, 'from') ?? 'now-1h', to: stringFlag(args, 'to') ?? 'now' };
  const format = stringFlag(args, 'format') ?? 'table';
  if (!['table', 'csv', 'json'].includes(format))
    throw new UserError('invalid_input', '--format is table, csv or json');
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(6));

  if (boolFlag(args, 'raw')) {
    const limit = stringFlag(args, 'limit');
    const out = (await client.call('samples.read', {
      ...window,
      ...(limit && { limit: Number(limit) }),
    })) as {
      samples: RawRow[];
      truncated: boolean;
    };
    if (format === 'json') return JSON.stringify(out, null, 2);
    const header = format === 'csv' ? 'ts,value,quality' : 'time (UTC)                 value        quality';
    const rows = out.samples.map((s) =>
      format === 'csv'
        ? `${new Date(s.ts).toISOString()},${s.value},${s.quality}`
        : `${new Date(s.ts).toISOString()}  ${fmt(s.value).padStart(12)}  ${s.quality}`,
    );
    return [
      header,
      ...rows,
      ...(out.truncated && format === 'table' ? ['… truncated: raise --limit'] : []),
    ].join('\n');
  }
  const buckets = stringFlag(args, 'buckets') ?? '20';
  const out = (await client.call('samples.buckets', { ...window, buckets: Number(buckets) })) as {
    bucketMs: number;
    buckets: BucketRow[];
  };
  if (format === 'json') return JSON.stringify(out, null, 2);
  if (format === 'csv') {
    return [
      'ts,count,min,max,avg,last,quality',
      ...out.buckets.map(
        (b) => `${new Date(b.ts).toISOString()},${b.count},${b.min},${b.max},${b.avg},${b.last},${b.quality}`,
      ),
    ].join('\n');
  }
  const head = `bucket start (UTC)          count          min          max          avg         last  quality   (${out.bucketMs / 1000} s buckets)`;
  return [
    head,
    ...out.buckets.map(
      (b) =>
        `${new Date(b.ts).toISOString()}  ${String(b.count).padStart(6)} ${fmt(b.min).padStart(12)} ${fmt(b.max).padStart(12)} ${fmt(b.avg).padStart(12)} ${fmt(b.last).padStart(12)}  ${b.quality}`,
    ),
  ].join('\n');
}
