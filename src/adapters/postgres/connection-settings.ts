import type { ClientConfig } from 'pg';
import type { PostgresTargetConfig } from '../../config/project-config.js';
import { StrataError } from '../../shared/errors.js';

const MASK = '****';

/** How to reach the server, and how to talk about it without revealing a secret. */
export interface ConnectionSettings {
  readonly clientConfig: ClientConfig;
  /** The server as `postgres://user:****@host:port/db`, for messages. */
  readonly where: string;
  /** The target's settings for `strata debug`, secrets masked. */
  readonly described: Record<string, string>;
  /** `text` with every password and credentialed URL of the target masked. */
  mask(text: string): string;
}

/** Reads a postgres target: either `url`, or host/port/user/password/database (not both). */
export function connectionSettings(target: PostgresTargetConfig): ConnectionSettings {
  const parts = { host: target.host, port: target.port, user: target.user, password: target.password, database: target.database };
  const given = Object.entries(parts).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (target.url !== undefined && given.length) {
    throw new StrataError('bad_target', `a postgres target takes either url or ${given.join('/')}, not both`, { file: 'strata.yml', key: 'url' });
  }
  const ssl = target.sslmode === undefined ? {} : { ssl: target.sslmode === 'disable' ? false : { rejectUnauthorized: target.sslmode === 'verify-full' } };
  const secrets = secretsOf(target);
  const mask = (text: string): string => secrets.reduce((out, [secret, masked]) => out.replaceAll(secret, masked), text);
  if (target.url !== undefined) {
    const where = maskUrl(target.url);
    return {
      clientConfig: { connectionString: target.url, ...ssl },
      where,
      described: { adapter: 'postgres', url: where, schema: target.schema, ...(target.sslmode ? { sslmode: target.sslmode } : {}) },
      mask,
    };
  }
  const host = target.host ?? process.env.PGHOST ?? 'localhost';
  const port = target.port ?? 5432;
  const user = target.user ?? process.env.PGUSER ?? '';
  const database = target.database ?? process.env.PGDATABASE ?? user;
  const where = `postgres://${user ? `${user}${target.password === undefined ? '' : `:${MASK}`}@` : ''}${host}:${port}/${database}`;
  return {
    clientConfig: { host, port, user: user || undefined, password: target.password, database: database || undefined, ...ssl },
    where,
    described: {
      adapter: 'postgres',
      host,
      port: String(port),
      user,
      ...(target.password === undefined ? {} : { password: MASK }),
      database,
      schema: target.schema,
      ...(target.sslmode ? { sslmode: target.sslmode } : {}),
    },
    mask,
  };
}

/** A connection URL with its password (in the user part or a `password=` parameter) masked. */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/).*$/i, `$1${MASK}`);
  }
  if (parsed.password) parsed.password = MASK;
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', MASK);
  return parsed.toString();
}

/** Each secret text with its replacement, longest first (the whole URL before its password). */
function secretsOf(target: PostgresTargetConfig): [string, string][] {
  const pairs: [string, string][] = [];
  const addPassword = (password: string | undefined | null): void => {
    if (!password) return;
    for (const form of new Set([password, encodeURIComponent(password), safeDecode(password)])) pairs.push([form, MASK]);
  };
  addPassword(target.password);
  if (target.url !== undefined) {
    const masked = maskUrl(target.url);
    if (masked !== target.url) pairs.push([target.url, masked]);
    try {
      const parsed = new URL(target.url);
      addPassword(parsed.password);
      addPassword(parsed.searchParams.get('password'));
    } catch {
      // An unparsable URL is masked whole above.
    }
  }
  return pairs.sort((a, b) => b[0].length - a[0].length);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
