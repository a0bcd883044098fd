import { readFileSync } from 'node:fs';

/** The installed Strata version, read once from package.json. */
export const STRATA_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
