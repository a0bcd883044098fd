import { StrataError } from '../shared/errors.js';
import { TEST_CONFIG_KEYS, type TestConfigInput } from './test-config.js';

/** One test declaration from YAML, split into its name, arguments and configuration. */
export interface TestDeclaration {
  readonly testName: string;
  /** A name the user gave the test (dbt's `name:` form). */
  readonly customName?: string;
  readonly args: Record<string, unknown>;
  readonly config: Record<string, unknown>;
}

/**
 * Reads the forms dbt accepts: `- unique`, `- accepted_values: {values: [...], config: {...}}`,
 * arguments under `arguments:`, config keys next to the arguments (older style), and
 * `- name: x, test_name: accepted_values, ...`.
 */
export function parseTestEntry(entry: unknown): TestDeclaration {
  if (typeof entry === 'string') return { testName: entry, args: {}, config: {} };
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new StrataError('bad_test', `a test must be a name or a mapping, got ${JSON.stringify(entry)}`);
  }
  const record = entry as Record<string, unknown>;
  if (typeof record.test_name === 'string') {
    const { test_name, name, ...rest } = record;
    return split(test_name, rest, typeof name === 'string' ? name : undefined);
  }
  const keys = Object.keys(record);
  if (keys.length !== 1) {
    throw new StrataError('bad_test', `a test mapping needs exactly one test name as its key, got ${keys.map((k) => `'${k}'`).join(', ')}`);
  }
  const testName = keys[0]!;
  const body = record[testName];
  if (body !== null && body !== undefined && (typeof body !== 'object' || Array.isArray(body))) {
    throw new StrataError('bad_test', `the arguments of test '${testName}' must be a mapping`);
  }
  return split(testName, (body ?? {}) as Record<string, unknown>);
}

function split(testName: string, body: Record<string, unknown>, customName?: string): TestDeclaration {
  const { config, arguments: explicitArgs, name, ...rest } = body;
  const args: Record<string, unknown> = { ...((explicitArgs as Record<string, unknown> | undefined) ?? {}) };
  const cfg: Record<string, unknown> = { ...((config as TestConfigInput | undefined) ?? {}) };
  for (const [key, value] of Object.entries(rest)) {
    if (TEST_CONFIG_KEYS.has(key)) cfg[key] = value;
    else args[key] = value;
  }
  return { testName: testName.replace(/^dbt_utils\./, ''), customName: customName ?? (typeof name === 'string' ? name : undefined), args, config: cfg };
}
