import type { Adapter, Connection, Row } from '../adapters/contract.js';
import type { TestNode } from '../manifest/types.js';
import { meetsCondition } from './test-config.js';

/** The verdict of one data test. */
export interface TestOutcome {
  readonly verdict: 'pass' | 'warn' | 'fail';
  readonly failures: number;
  /** The first failing rows, for display. */
  readonly sample: readonly Row[];
  /** `schema.table` where all failing rows were stored (`store_failures`). */
  readonly storedIn?: string;
}

export interface RunDataTestOptions {
  readonly adapter: Adapter;
  readonly connection: Connection;
  /** Schema for `store_failures` tables. */
  readonly failuresSchema: string;
}

const SAMPLE_ROWS = 5;

/** Counts a test's failing rows and judges them by severity and thresholds (dbt semantics). */
export async function runDataTest(test: TestNode, options: RunDataTestOptions): Promise<TestOutcome> {
  const { connection, adapter } = options;
  const d = adapter.dialect;
  const counted = await connection.query(`select count(*) as failures from (\n${test.compiledSql}\n) as strata_test`);
  const failures = Number(counted.rows[0]?.failures ?? 0);
  const { config } = test;
  const verdict: TestOutcome['verdict'] =
    config.severity === 'error' && meetsCondition(failures, config.errorIf) ? 'fail' : meetsCondition(failures, config.warnIf) ? 'warn' : 'pass';
  let sample: readonly Row[] = [];
  if (failures > 0) {
    const limit = Math.min(config.limit ?? SAMPLE_ROWS, SAMPLE_ROWS);
    sample = (await connection.query(`select * from (\n${test.compiledSql}\n) as strata_test limit ${limit}`)).rows;
  }
  let storedIn: string | undefined;
  if (config.storeFailures) {
    const relation = { schema: options.failuresSchema, identifier: test.name };
    await connection.execute(d.createSchema(relation.schema));
    await connection.transaction(async () => {
      await connection.execute(d.drop(relation, 'table'));
      await connection.execute(d.createTableAs(relation, `select * from (\n${test.compiledSql}\n) as strata_test`));
    });
    storedIn = `${relation.schema}.${relation.identifier}`;
  }
  return { verdict, failures, sample, storedIn };
}
