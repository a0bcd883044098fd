import type { Connection, Dialect, Row } from '../adapters/contract.js';
import type { TestNode } from '../manifest/types.js';
import type { UnitTestArgs } from './compile-unit-tests.js';

/** The verdict of a unit test, with a readable diff when the rows differ. */
export interface UnitTestOutcome {
  readonly verdict: 'pass' | 'fail';
  /** Rows missing plus rows unexpected. */
  readonly failures: number;
  readonly diff: string;
}

/**
 * Creates the fixture tables on a scratch DuckDB connection, runs the model's SQL against them and
 * compares the result with the expected rows on the expected columns, ignoring row order.
 */
export async function runUnitTest(test: TestNode, connection: Connection, dialect: Dialect): Promise<UnitTestOutcome> {
  const args = test.args as unknown as UnitTestArgs;
  for (const fixture of args.given) {
    const table = dialect.relation(fixture.relation);
    await connection.execute(dialect.createSchema(fixture.relation.schema));
    await connection.execute(`drop table if exists ${table}`);
    const columns = fixture.columns.map((c) => `${dialect.quoteIdentifier(c.name)} ${c.type}`);
    await connection.execute(`create table ${table} (${columns.join(', ') || 'strata_no_columns integer'})`);
    if (fixture.rows.length && fixture.columns.length) {
      const values = fixture.rows.map(
        (row) => `(${row.map((v, i) => (v === null ? 'null' : `cast(${dialect.quoteLiteral(v)} as ${fixture.columns[i]!.type})`)).join(', ')})`,
      );
      await connection.execute(`insert into ${table} values ${values.join(', ')}`);
    }
  }
  const actual = (await connection.query(`select * from (\n${test.compiledSql}\n) as strata_unit_result`)).rows;
  const columns = [...new Set(args.expect.flatMap((r) => Object.keys(r)))];
  // Each expected row is compared on the columns it lists; rows match one to one, in any order.
  const unmatched = [...actual];
  const missing: string[] = [];
  for (const expected of args.expect) {
    const keys = Object.keys(expected);
    const wanted = canonical(expected, keys);
    const index = unmatched.findIndex((row: Row) => canonical(row, keys) === wanted);
    if (index < 0) missing.push(wanted);
    else unmatched.splice(index, 1);
  }
  const unexpected = unmatched.map((row: Row) => canonical(row, columns));
  const failures = missing.length + unexpected.length;
  const diff = failures
    ? [`columns compared: ${columns.join(', ')}`, ...missing.map((r) => `- expected ${r}`), ...unexpected.map((r) => `+ actual   ${r}`)].join('\n')
    : '';
  return { verdict: failures ? 'fail' : 'pass', failures, diff };
}

/** A row as comparable text on the given columns: numbers by value, NULL as null. */
function canonical(row: Record<string, unknown>, columns: readonly string[]): string {
  const values = columns.map((c) => normalize(row[c]));
  return `{${columns.map((c, i) => `${c}: ${values[i]}`).join(', ')}}`;
}

function normalize(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[-+]?\d+(\.\d+)?$/.test(text)) {
    const [whole, fraction = ''] = text.replace(/^\+/, '').split('.');
    const trimmed = fraction.replace(/0+$/, '');
    const integer = whole!.replace(/^(-?)0+(?=\d)/, '$1');
    return trimmed ? `${integer}.${trimmed}` : integer === '-0' ? '0' : integer;
  }
  return JSON.stringify(text);
}

