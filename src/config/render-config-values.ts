import nunjucks from 'nunjucks';
import { envVar } from '../templating/env-var.js';
import { StrataError } from '../shared/errors.js';
import type { YamlFile } from '../project/read-yaml.js';

const configEnv = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
configEnv.addGlobal('env_var', envVar);

/**
 * Renders `{{ env_var('X', 'default') }}` (and other plain expressions) inside every string value
 * of a parsed YAML document. Keys are left alone. Errors name the file, line and key path.
 */
export function renderConfigValues(value: unknown, yaml: YamlFile, path: (string | number)[] = []): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{') && !value.includes('{%')) return value;
    try {
      return configEnv.renderString(value, {});
    } catch (error) {
      const inner = (error as { cause?: unknown }).cause;
      const cause = error instanceof StrataError ? error.message : inner instanceof StrataError ? inner.message : firstLine(error);
      throw new StrataError('config_template', cause, { file: yaml.file, line: yaml.lineOf(path), key: path.join('.') });
    }
  }
  if (Array.isArray(value)) return value.map((item, i) => renderConfigValues(item, yaml, [...path, i]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderConfigValues(v, yaml, [...path, k]);
    return out;
  }
  return value;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const last = text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? text;
  return last.replace(/^\w*Error: /, '');
}
