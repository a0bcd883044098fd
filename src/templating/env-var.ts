import { StrataError } from '../shared/errors.js';

/** `env_var(name, default)`: the environment value, else the default, else an error naming the variable. */
export function envVar(name: string, fallback?: unknown): string {
  const value = process.env[name];
  if (value !== undefined) return value;
  if (fallback !== undefined && fallback !== null) return String(fallback);
  throw new StrataError('missing_env_var', `environment variable '${name}' is not set and has no default`);
}
