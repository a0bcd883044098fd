import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STRATA_VERSION } from '../shared/version.js';

const FORMAT = `strata ${STRATA_VERSION}; js-yaml core schema; cache 1`;

/**
 * Parsed YAML properties files kept between runs (target/yaml_parse.jsonl): a file whose text is
 * unchanged is read back with JSON.parse, several times faster than parsing YAML again. One line
 * per text hash; only the lines a run used are kept.
 */
export class YamlParseCache {
  private readonly used = new Map<string, string>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly stored: Map<string, string>,
  ) {}

  static open(file: string): YamlParseCache {
    const stored = new Map<string, string>();
    try {
      const lines = readFileSync(file, 'utf8').split('\n');
      if (lines[0] === FORMAT) {
        for (const line of lines.slice(1)) {
          const tab = line.indexOf('\t');
          if (tab > 0) stored.set(line.slice(0, tab), line.slice(tab + 1));
        }
      }
    } catch {
      // No cache yet, or unreadable: every file is parsed.
    }
    return new YamlParseCache(file, stored);
  }

  /** The data parsed earlier from a text with this key, as fresh objects. */
  get(key: string): unknown {
    const json = this.stored.get(key);
    if (json === undefined) return undefined;
    this.used.set(key, json);
    return JSON.parse(json) as unknown;
  }

  /** Keeps what a text parsed to, unless JSON cannot hold it exactly (YAML's .inf and .nan). */
  set(key: string, data: unknown): void {
    let exact = true;
    const json = JSON.stringify(data, (_key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) exact = false;
      return value;
    });
    if (!exact || json === undefined) return;
    this.used.set(key, json);
    this.changed = true;
  }

  /** Writes the entries this run used, when that set differs from what was stored. */
  save(): void {
    if (!this.changed && this.used.size === this.stored.size) return;
    const lines = [FORMAT, ...[...this.used].map(([key, json]) => `${key}\t${json}`)];
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, lines.join('\n'));
      renameSync(temporary, this.file);
    } catch {
      // A cache that cannot be written only costs the next run its speed.
    }
  }
}
