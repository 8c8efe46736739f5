#!/usr/bin/env node
/** The `gemba` command line. Operation commands are derived from the registry: `gemba <noun> <verb> --flags`. */
import { OPERATIONS } from '../app/registry.js';
import { toGembaError, UserError } from '../domain/index.js';
import { type ParsedArgs, boolFlag, parseArgs, stringFlag } from './args.js';
import { openClient } from './client.js';
import { connectionsTable } from './commands/connections.js';
import { importCsvCommand } from './commands/import-csv.js';
import { operationHelp, runOperation } from './commands/operation.js';
import { queryCommand } from './commands/query.js';
import { modelsFitCommand, modelsTestCommand } from './commands/models.js';
import { scheduleSolveCommand } from './commands/schedule.js';
import { inventoryPolicyCommand } from './commands/inventory.js';
import { askCommand } from './commands/ask.js';
import { evalAssistantCommand } from './commands/eval.js';
import { forecastCommand } from './commands/forecast.js';
import { simulateCommand } from './commands/simulate.js';
import { calibrateInput, simulateCalibrateCommand } from './commands/simulate-calibrate.js';
import { optimizeCommand } from './commands/optimize.js';
import { demandImportCommand } from './commands/demand.js';
import { documentsImportCommand } from './commands/documents.js';
import { fmeaImportCommand } from './commands/fmea.js';
import { spcCapabilityCommand, spcChartCommand, spcParetoCommand } from './commands/spc.js';
import { startCommand } from './commands/start.js';
import { exitCode } from './exit-codes.js';

const USAGE = `gemba — the shop floor's data platform

  gemba start [--demo] [--data DIR] [--config FILE] [--port N] [--host H] [--mqtt-port N] [--no-mqtt]
  gemba connections                  state of each connection (MQTT, Sparkplug B, OPC UA)
  gemba connections add --json '{"connection": {…}}' | test --id ID | remove --id ID | browse --id ID
  gemba import csv FILE [--format long|wide] [--time-zone Europe/Berlin] [--delimiter ';'] [--ts-unit ms|s] [--units-row]
  gemba query TAG [--from now-1h] [--to now] [--buckets N | --raw [--limit N]] [--format table|csv|json]
  gemba spc chart --type xbar-r|xbar-s|i-mr|p|np|c|u|ewma|cusum --file data.csv [--column NAME]
        [--subgroup-size N | --subgroup-column NAME] [--phase-one N] [--rules nelson|western-electric] [--plot out.svg|png]
  gemba spc capability --file data.csv [--column NAME] [--lsl X] [--usl X] [--target X] [--sigma-within S]
        [--subgroup-size N] [--confidence 0.95] [--format table|json] [--plot hist.svg|png]
  gemba spc pareto --file defects.csv [--column NAME] [--count-column NAME] [--other-below PCT] [--plot pareto.svg|png]
  gemba schedule solve --instance FILE [--format jsplib|taillard|json] [--time-limit S (10)] [--seed N (1)]
        [--gantt out.svg|png] [--json]   job-shop makespan, lower bound and gap, solved here (one core)
  gemba schedule solve [--from now] [--time-limit 5] [--json '{"objective": {"tardiness": 1}}']
                                     the plant's open orders into the active schedule (server operation)
  gemba demand import --file demand.csv [--item ID] [--ts-column week] [--quantity-column demand] [--item-column item]
  gemba documents import --file manual.pdf|.md|.html|.txt [--asset PATH ...] [--equipment-type TYPE] [--id ID] [--title T]
  gemba documents search --query "maximum oil temperature" [--asset PATH] [--limit 5]   passages with section and page
  gemba fmea import --file fmea.csv   FMEA rows (docs/knowledge-graph.md); gemba fmea list --asset PATH [--min-rpn N]
  gemba forecast --input demand.csv [--column demand] --horizon H [--period m] [--method auto|ets|arima|theta|naive2|snaive|
        drift|croston|sba|tsb] [--levels 80,95] [--plot fan.svg|png] [--json]   rolling-origin choice, intervals
  gemba simulate line.yaml [--replications N] [--seed N] [--json] [--plot out.png]   a serial line: throughput, WIP,
        lead time with 95 % CIs, station time shares, the bottleneck, what-if scenarios (examples/line.yaml)
  gemba simulate calibrate --stations A,B,C [--from now-7d] [--to now] [--buffers N,…] [--out line.yaml] [--json]
        a line file from the recorded machine states and cycle counters (docs/line-simulation.md)
  gemba optimize --output TAG --control TAG=MIN..MAX [--control …] [--context TAG …] [--from now-24h] [--bucket 5m]
        [--goal min|max|target=V] [--propose] [--plot surface.png] [--json]   recommended setpoints from history, with
        uncertainty and next trials; --propose files them for an engineer's approval (docs/optimisation.md)
  gemba inventory policy (--mean D --sd S | --demand-file history.csv [--column demand]) --lead-time L [--lead-time-sd SL]
        (--csl 0.95 | --fill-rate 0.98) [--review R | --order-quantity Q | --order-cost K --holding-cost H]
        [--simulate PERIODS] [--json]   safety stock, reorder point, (s, S) or (R, S), simulated service
  gemba models fit --file table.csv --target COLUMN --name NAME [--task classification|regression] [--drop a,b]
                   [--categorical c] [--folds 5] [--seed 42] [--plot residuals.svg|png]
  gemba models test --name NAME [--version V] --file new.csv [--format table|json] [--plot residuals.svg|png]
  gemba ask "what failed on press 3 this month?" [--json]   the assistant: an answer from the plant's data, with sources
  gemba eval assistant --questions FILE [--json]   score the assistant on a question set (docs/assistant-eval.md)
  gemba ops                          list every operation (each is also a command below)
  gemba <noun> <verb> [--flags]      run an operation, e.g. gemba tags list --under acme/plant1
  gemba <noun> <verb> --help         its flags

Commands that read or change data talk to a running server (--url, default http://127.0.0.1:8080,
or GEMBA_URL; --token or GEMBA_TOKEN, else ./data/admin.token), or with --data DIR open a data
directory directly while no server uses it.
Exit codes: 0 ok, 1 internal error, 2 bad input or rights, 3 transient failure (retry).`;

function listOperations(): string {
  const width = Math.max(...OPERATIONS.map((op) => op.name.length)) + 2;
  return OPERATIONS.map(
    (op) =>
      `${op.name.replace('.', ' ').padEnd(width)}${op.permission.padEnd(10)}${`${op.http.method} /api/v1${op.http.path}`.padEnd(34)}${op.description.split('. ')[0]}`,
  ).join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const args: ParsedArgs = parseArgs(argv);
  const [command, sub] = args.positionals;
  if (command === undefined || command === 'help' || (command === undefined && boolFlag(args, 'help'))) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'start') {
    await startCommand(args, process.env);
    return 0;
  }
  if (command === 'ops') {
    process.stdout.write(`${listOperations()}\n`);
    return 0;
  }
  if (command === 'import') {
    if (sub !== 'csv') throw new UserError('invalid_input', 'usage: gemba import csv FILE');
    await using client = await openClient(args, process.env);
    await importCsvCommand({ ...args, positionals: args.positionals.slice(2) }, client);
    return 0;
  }
  if (command === 'connections' && sub === undefined) {
    await using client = await openClient(args, process.env);
    process.stdout.write(`${await connectionsTable(client)}\n`);
    return 0;
  }
  const spcCommands = { chart: spcChartCommand, capability: spcCapabilityCommand, pareto: spcParetoCommand };
  if (command === 'spc' && (sub === 'chart' || sub === 'capability' || sub === 'pareto')) {
    process.stdout.write(`${await spcCommands[sub]({ ...args, positionals: args.positionals.slice(2) })}\n`);
    return 0;
  }
  // With --file: an FMEA CSV read here; without: the fmea.import operation with --json rows.
  if (command === 'fmea' && sub === 'import' && stringFlag(args, 'file') !== undefined) {
    await using client = await openClient(args, process.env);
    process.stdout.write(`${await fmeaImportCommand(args, client)}\n`);
    return 0;
  }
  if (command === 'demand' && sub === 'import') {
    await using client = await openClient(args, process.env);
    process.stdout.write(`${await demandImportCommand(args, client)}\n`);
    return 0;
  }
  // With --file: a file read here and imported; without: the documents.import operation on --json input.
  if (command === 'documents' && sub === 'import' && stringFlag(args, 'file') !== undefined) {
    await using client = await openClient(args, process.env);
    process.stdout.write(`${await documentsImportCommand(args, argv, client)}\n`);
    return 0;
  }
  if (command === 'forecast') {
    process.stdout.write(`${await forecastCommand(args)}\n`);
    return 0;
  }
  if (command === 'optimize') {
    await using client = await openClient(args, process.env);
    process.stdout.write(`${await optimizeCommand(args, argv, client)}\n`);
    return 0;
  }
  if (command === 'simulate' && sub === 'calibrate') {
    calibrateInput(args);
    await using client = await openClient(args, process.env);
    process.stdout.write(`${await simulateCalibrateCommand(args, client)}\n`);
    return 0;
  }
  if (command === 'simulate') {
    process.stdout.write(`${await simulateCommand({ ...args, positionals: args.positionals.slice(1) })}\n`);
    return 0;
  }
  if (command === 'eval' && sub === 'assistant') {
    await using client = await openClient(args, process.env);
    process.stdout.write(`${await evalAssistantCommand(args, client)}\n`);
    return 0;
  }
  if (command === 'ask') {
    await using client = await openClient(args, process.env);
    process.stdout.write(`${await askCommand(args, client)}\n`);
    return 0;
  }
  // With --item: the inventory.policy operation on a stored item's forecast; without: the formulas on given figures.
  if (command === 'inventory' && sub === 'policy' && stringFlag(args, 'item') === undefined) {
    process.stdout.write(`${inventoryPolicyCommand(args)}\n`);
    return 0;
  }
  // With --instance: a job-shop file solved here; without: the schedule.solve operation on the plant's orders.
  if (command === 'schedule' && sub === 'solve' && stringFlag(args, 'instance') !== undefined) {
    process.stdout.write(
      `${await scheduleSolveCommand({ ...args, positionals: args.positionals.slice(2) })}\n`,
    );
    return 0;
  }
  if (command === 'models' && (sub === 'fit' || sub === 'test')) {
    await using client = await openClient(args, process.env);
    const run = sub === 'fit' ? modelsFitCommand : modelsTestCommand;
    process.stdout.write(`${await run(args, client)}\n`);
    return 0;
  }
  if (command === 'query') {
    await using client = await openClient(args, process.env);
    process.stdout.write(
      `${await queryCommand({ ...args, positionals: args.positionals.slice(1) }, client)}\n`,
    );
    return 0;
  }
  // `gemba spc charts list` → spc.charts.list; `gemba tags list` → tags.list.
  const [, , third] = args.positionals;
  const op =
    OPERATIONS.find((o) => third !== undefined && o.name === `${command}.${sub ?? ''}.${third}`) ??
    OPERATIONS.find((o) => o.name === `${command}.${sub ?? ''}`);
  if (!op) {
    const nouns = [...new Set(OPERATIONS.map((o) => o.name.split('.')[0]))].join(', ');
    throw new UserError(
      'invalid_input',
      `unknown command "${args.positionals.join(' ')}"; try \`gemba help\` (operation nouns: ${nouns})`,
    );
  }
  if (boolFlag(args, 'help')) {
    process.stdout.write(`${operationHelp(op)}\n`);
    return 0;
  }
  await using client = await openClient(args, process.env);
  const output = await runOperation(op, args, client);
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = toGembaError(error);
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    if (e.kind === 'unexpected' && e.cause instanceof Error)
      process.stderr.write(`${e.cause.stack ?? e.cause.message}\n`);
    process.exitCode = exitCode(e);
  },
);
