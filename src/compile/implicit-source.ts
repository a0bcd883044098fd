import type { ModelConfigInput } from '../config/model-config.js';
import { StrataError } from '../shared/errors.js';
import type { RenderCapture } from '../templating/template-engine.js';
import { refToken } from '../templating/tokens.js';

/**
 * A windowed aggregate may name the model it reads with `source` instead of selecting from it:
 * the model's body is then empty and becomes `select * from <source>`, with the dependency
 * recorded as if `ref()` had been called. A body and a `source` together are an error.
 */
export function withImplicitSource(sql: string, capture: RenderCapture, config: ModelConfigInput, where: { file: string; node: string }): { sql: string; capture: RenderCapture } {
  if (config.materialized !== 'windowed_aggregate' || !config.source) return { sql, capture };
  if (sql.replace(/--[^\n]*/g, '').trim() !== '') {
    throw new StrataError('invalid_config', `'source' names the model to read, so the model's SQL must be empty; remove 'source' or the SQL`, { ...where, key: 'source' });
  }
  return { sql: `select * from ${refToken(config.source)}`, capture: { ...capture, refs: [...capture.refs, config.source] } };
}
