import type { ColumnInfo, GraphNode } from '../manifest/types.js';
import type { RunResults } from './read-run-results.js';
import type { TestInfo, TestSummary } from './site-data.js';

/** Tests of one node: on the node as a whole and per column (lower-case name). */
export interface NodeTests {
  readonly node: TestInfo[];
  readonly columns: Map<string, TestInfo[]>;
}

/** A short label for a test and its arguments: `relationships → dim_instruments.instrument_id`. */
export function testLabel(name: string, args: Readonly<Record<string, unknown>>): string {
  const ref = (value: unknown): string => String(value ?? '').replace(/^\s*(?:ref|source)\(\s*['"]([^'"]+)['"](?:\s*,\s*['"]([^'"]+)['"])?\s*\)\s*$/, (_, a: string, b?: string) => (b ? `${a}.${b}` : a));
  if (name === 'relationships' && args.to !== undefined) return `relationships → ${ref(args.to)}${args.field ? `.${String(args.field)}` : ''}`;
  if (name === 'accepted_values' && Array.isArray(args.values)) return `accepted_values: ${args.values.map(String).join(', ')}`;
  const shown = Object.entries(args).filter(([key]) => key !== 'config' && key !== 'column_name' && key !== 'model');
  if (shown.length === 0) return name;
  return `${name} (${shown.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')})`;
}

/**
 * Every node's tests with their last verdict. Test nodes of the manifest (kind `test`, attached
 * to a node and maybe a column) are used when present, with their verdict from the run results;
 * a manifest without test nodes falls back to the declarations in the columns' YAML, shown
 * without results.
 */
export function describeTests(nodes: readonly GraphNode[], results: RunResults | undefined): Map<string, NodeTests> {
  const out = new Map<string, NodeTests>();
  const entry = (id: string): NodeTests => {
    let tests = out.get(id);
    if (!tests) out.set(id, (tests = { node: [], columns: new Map() }));
    return tests;
  };
  const testNodes = nodes.filter((n) => n.kind === 'test');
  if (testNodes.length > 0) {
    for (const test of testNodes) {
      if (test.kind !== 'test' || !test.attachedNode) continue;
      const result = results?.entries.get(test.uniqueId);
      const info: TestInfo = {
        label: testLabel(test.testName, test.args),
        verdict: result?.verdict ?? 'none',
        severity: test.config.severity,
        tags: test.config.tags,
        ...(result?.failures !== undefined ? { failures: result.failures } : {}),
        ...(result?.message ? { message: result.message } : {}),
        ...(result?.startedAt ? { at: result.startedAt } : {}),
      };
      const tests = entry(test.attachedNode);
      if (test.column) {
        const key = test.column.toLowerCase();
        tests.columns.set(key, [...(tests.columns.get(key) ?? []), info]);
      } else {
        tests.node.push(info);
      }
    }
    return out;
  }
  for (const node of nodes) {
    if (node.kind !== 'model' && node.kind !== 'seed' && node.kind !== 'source') continue;
    const tests = entry(node.uniqueId);
    for (const declared of node.tests) {
      const info = declaredTest(declared);
      if (info) tests.node.push(info);
    }
    for (const column of node.columns) {
      const infos = columnTests(column);
      if (infos.length) tests.columns.set(column.name.toLowerCase(), infos);
    }
  }
  return out;
}

function columnTests(column: ColumnInfo): TestInfo[] {
  return column.tests.map(declaredTest).filter((t): t is TestInfo => t !== undefined);
}

/** A YAML test declaration (`not_null`, or `{relationships: {to, field, config}}`) without a result. */
function declaredTest(declared: unknown): TestInfo | undefined {
  if (typeof declared === 'string') return { label: declared, verdict: 'none', tags: [] };
  if (typeof declared !== 'object' || declared === null) return undefined;
  const [name, value] = Object.entries(declared as Record<string, unknown>)[0] ?? [];
  if (!name) return undefined;
  const args = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const config = typeof args.config === 'object' && args.config !== null ? (args.config as Record<string, unknown>) : {};
  const tags = Array.isArray(config.tags) ? config.tags.map(String) : [];
  const severity = typeof config.severity === 'string' ? config.severity : undefined;
  return { label: testLabel(name, args), verdict: 'none', tags, ...(severity ? { severity } : {}) };
}

/** Counts of verdicts over a node's tests (node-level and column-level). */
export function summarizeTests(tests: NodeTests | undefined): TestSummary | undefined {
  if (!tests) return undefined;
  const summary: Record<string, number> = {};
  const all = [...tests.node, ...[...tests.columns.values()].flat()];
  if (all.length === 0) return undefined;
  for (const t of all) summary[t.verdict] = (summary[t.verdict] ?? 0) + 1;
  return summary as TestSummary;
}
