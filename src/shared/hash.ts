import { createHash } from 'node:crypto';

/** A short key of a text for caches of what was derived from it (SHA-1, base64). */
export function textKey(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** Hex SHA-256 of a text, used for checksums of sources and compiled SQL. */
export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
