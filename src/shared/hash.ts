import { createHash } from 'node:crypto';

/** Hex SHA-256 of a text, used for checksums of sources and compiled SQL. */
export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
