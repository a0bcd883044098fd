import { type Command, InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { CommonOptions } from '../app/project-session.js';

/** Raw option values commander hands to every command. */
export interface RawCommonOptions {
  readonly projectDir: string;
  readonly target?: string;
  readonly vars?: Record<string, unknown>;
  readonly threads?: number;
  readonly select?: string[];
  readonly exclude?: string[];
  readonly json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function parseVars(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new InvalidArgumentError(`--vars must be YAML or JSON, e.g. '{start_date: 2024-01-01}' (${(error as Error).message.split('\n')[0]})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InvalidArgumentError("--vars must be a mapping, e.g. '{start_date: 2024-01-01}'");
  return value as Record<string, unknown>;
}

function parseThreads(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('--threads must be a whole number from 1 to 64');
  return n;
}

/** Adds the options every project command takes. */
export function withProjectOptions(command: Command, { selection = true } = {}): Command {
  command
    .option('--project-dir <dir>', 'the project folder', process.cwd())
    .option('-t, --target <name>', 'target from strata.yml')
    .option('--vars <yaml>', 'variables overriding strata.yml vars, as YAML', parseVars)
    .option('--threads <n>', 'nodes built at once', parseThreads)
    .option('--json', 'print JSON lines instead of text');
  if (selection) {
    command
      .option('-s, --select <selector>', 'nodes to include (dbt selector syntax; repeatable)', collect)
      .option('--exclude <selector>', 'nodes to leave out (repeatable)', collect);
  }
  return command;
}

/** Common options as the app layer takes them. */
export function commonOptions(raw: RawCommonOptions): CommonOptions {
  return { projectDir: raw.projectDir, target: raw.target, vars: raw.vars, threads: raw.threads };
}
