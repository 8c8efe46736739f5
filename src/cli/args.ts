/** Command-line arguments: positionals and `--kebab-case value`, `--flag`, `--no-flag`, `--key=value`. */

export interface ParsedArgs {
  readonly positionals: string[];
  /** camelCase flag name → raw value (true for a bare flag, false for --no-flag). */
  readonly flags: Record<string, string | boolean>;
}

const camel = (name: string): string => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg.length === 2) {
      positionals.push(arg);
      continue;
    }
    const body = arg.slice(2);
    const eq = body.indexOf('=');
    if (eq >= 0) {
      flags[camel(body.slice(0, eq))] = body.slice(eq + 1);
    } else if (body.startsWith('no-')) {
      flags[camel(body.slice(3))] = false;
    } else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags[camel(body)] = next;
        i++;
      } else {
        flags[camel(body)] = true;
      }
    }
  }
  return { positionals, flags };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string, fallback = false): boolean {
  const v = args.flags[name];
  if (v === undefined) return fallback;
  return v === true || v === 'true' || v === '1' || v === 'yes';
}
