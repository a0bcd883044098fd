// Baseline of bench/scheduler-overhead.bench.ts: runs the given `create view` statements one after
// another on one @duckdb/node-api connection, in one process, with nothing else around them.
//
//   node bench/lib/create-views-directly.mjs DATABASE_FILE STATEMENTS.json
//
// Prints one JSON line: how many statements ran, how long they took in-process (from before the
// database opened to after it closed, and for the statements alone), and how many views exist after.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [databaseFile, statementsFile] = process.argv.slice(2);
if (!databaseFile || !statementsFile) {
  console.error('usage: create-views-directly.mjs DATABASE_FILE STATEMENTS.json');
  process.exit(2);
}
const statements = JSON.parse(readFileSync(statementsFile, 'utf8'));
const opened = performance.now();
const instance = await DuckDBInstance.create(databaseFile);
const connection = await instance.connect();
const started = performance.now();
for (const sql of statements) await connection.run(sql);
const statementsMs = performance.now() - started;
const reader = await connection.runAndReadAll(
  "select count(*)::integer as n from information_schema.tables where table_type = 'VIEW' and table_schema = 'main'",
);
const views = reader.getRowObjectsJson()[0]?.n;
connection.closeSync();
instance.closeSync();
console.log(JSON.stringify({ statements: statements.length, views, statementsMs, inProcessMs: performance.now() - opened }));
