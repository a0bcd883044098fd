import { createHash } from 'node:crypto';
import type { Connection } from '../contract.js';
import { StrataError } from '../../shared/errors.js';

/**
 * Takes the session-level advisory lock of a target (database + schema) on `connection`, which
 * must stay open for the whole run: the server releases the lock when that session ends, also
 * when the process is killed. Another run holding it is a `locked` error naming its process.
 */
export async function acquireRunLock(connection: Connection, schema: string, where: string): Promise<void> {
  const database = String((await connection.query('select current_database() as db')).rows[0]?.db ?? '');
  const key = lockKey(database, schema);
  const taken = await connection.query(`select pg_try_advisory_lock(${key}) as ok`);
  if (taken.rows[0]?.ok === true) return;
  const holder = await connection.query(
    `select pid from pg_locks where locktype = 'advisory' and granted and objsubid = 1
       and database = (select oid from pg_database where datname = current_database())
       and classid = ${(BigInt(key) >> 32n) & 0xffffffffn} and objid = ${BigInt(key) & 0xffffffffn}`,
  );
  const pid = holder.rows[0]?.pid;
  throw new StrataError(
    'locked',
    `target schema "${schema}" of database "${database}" at ${where} is locked by another run${pid === undefined ? '' : ` (server process ${String(pid)})`}; wait for it to finish`,
    {},
    'runtime',
  );
}

/** A signed 64-bit key (as SQL text) derived from the database and schema. */
function lockKey(database: string, schema: string): string {
  const digest = createHash('sha256').update(`strata run lock\u0000${database}\u0000${schema}`).digest();
  return BigInt.asIntN(64, digest.readBigUInt64BE(0)).toString();
}
