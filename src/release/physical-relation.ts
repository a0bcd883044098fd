import type { Dialect } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';

/** Room kept for the suffixes strategies add beside a relation (`__strata_batch`, `__loads`). */
const SUFFIX_ROOM = 16;
const FINGERPRINT_CHARS = 12;

/**
 * The physical relation of one version of a model: `<physical schema>.<name>__<fingerprint>`.
 * On engines with an identifier limit the name is shortened so that the fingerprint (which
 * alone makes it unique) and the strategies' suffixes always fit.
 */
export function physicalRelation(dialect: Dialect, physicalSchema: string, identifier: string, fingerprint: string): Relation {
  const tail = `__${fingerprint.slice(0, FINGERPRINT_CHARS)}`;
  const max = dialect.maxIdentifierBytes;
  if (max === undefined || Buffer.byteLength(identifier + tail) <= max - SUFFIX_ROOM) return { schema: physicalSchema, identifier: identifier + tail };
  let head = '';
  for (const char of identifier) {
    if (Buffer.byteLength(head + char + tail) > max - SUFFIX_ROOM) break;
    head += char;
  }
  return { schema: physicalSchema, identifier: head + tail };
}
