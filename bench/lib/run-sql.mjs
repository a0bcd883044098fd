// Runs SQL statements in one process on one connection, as hand-written SQL would be run, and
// measures them. Used for the hand-written side of bench/history.bench.ts and for its setup.
//
//   node bench/lib/run-sql.mjs duckdb DATABASE_FILE STATEMENTS.json [MEMORY_LIMIT]
//   node bench/lib/run-sql.mjs postgres URL STATEMENTS.json
//
// STATEMENTS.json is a JSON array of SQL strings, run in order. Prints one JSON line: the time the
// statements took (from the first sent to the last answered, connection excluded) and the rows
// of the last statement.
import { readFileSync } from 'node:fs';

const [engine, target, file, memoryLimit] = process.argv.slice(2);
if (!engine || !target || !file) {
  console.error('usage: run-sql.mjs duckdb|postgres DATABASE_FILE|URL STATEMENTS.json [MEMORY_LIMIT]');
  process.exit(2);
}
const statements = JSON.parse(readFileSync(file, 'utf8'));
let rows = [];
let sqlMs = 0;
if (engine === 'duckdb') {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(target, memoryLimit ? { memory_limit: memoryLimit } : {});
  const connection = await instance.connect();
  const started = performance.now();
  for (const sql of statements) {
    const reader = await connection.runAndReadAll(sql);
    rows = reader.getRowObjectsJson();
  }
  sqlMs = performance.now() - started;
  connection.closeSync();
  instance.closeSync();
} else {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: target, options: '-c TimeZone=UTC' });
  await client.connect();
  const started = performance.now();
  for (const sql of statements) {
    const result = await client.query(sql);
    rows = (Array.isArray(result) ? result.at(-1) : result).rows;
  }
  sqlMs = performance.now() - started;
  await client.end();
}
console.log(JSON.stringify({ sqlMs, rows }));
