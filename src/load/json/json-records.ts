import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { LoadFileError } from '../load-file-error.js';
import { parseJson, type JsonValue } from './parse-json.js';

/** One record of a JSON file: a top-level array element or an NDJSON line, with where it starts. */
export interface JsonRecord {
  /** 1-based position among the records. */
  readonly index: number;
  readonly line: number;
  readonly text: string;
  readonly value: JsonValue;
}

/**
 * Reads a JSON file that is either one array of records or newline-delimited records, one record
 * at a time (bounded memory: a record longer than `maxRecordBytes` fails). Invalid JSON fails
 * with its line.
 */
export async function* jsonRecords(input: Readable, maxRecordBytes: number): AsyncGenerator<JsonRecord> {
  const decoder = new StringDecoder('utf8');
  let mode: 'unknown' | 'array' | 'lines' | 'done' = 'unknown';
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let current = '';
  let currentLine = 1;
  let index = 0;
  let pendingComma = false;

  const emit = (text: string, at: number): JsonRecord => {
    index += 1;
    try {
      return { index, line: at, text, value: parseJson(text) };
    } catch (error) {
      throw new LoadFileError(`record ${index} is not valid JSON: ${(error as Error).message}`, { line: at, record: index }, 'shape');
    }
  };

  for await (const chunk of input as AsyncIterable<Buffer>) {
    const text = decoder.write(chunk);
    const out: JsonRecord[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (mode === 'unknown') {
        if (ch === '\n') line++;
        if (/\s/.test(ch) || ch === '\ufeff') continue;
        mode = ch === '[' ? 'array' : 'lines';
        currentLine = line;
        if (mode === 'array') continue;
      }
      if (mode === 'done') {
        if (ch === '\n') line++;
        if (!/\s/.test(ch)) throw new LoadFileError(`unexpected '${ch}' after the end of the top-level array`, { line }, 'shape');
        continue;
      }
      if (mode === 'lines') {
        if (ch === '\n') {
          if (current.trim() !== '') out.push(emit(current, currentLine));
          current = '';
          line++;
          currentLine = line;
          continue;
        }
        current += ch;
        if (current.length > maxRecordBytes) throw new LoadFileError(`line ${currentLine} is longer than ${maxRecordBytes} bytes (max_line_bytes)`, { line: currentLine }, 'limit');
        continue;
      }
      // array mode: split top-level elements
      if (depth === 0 && !inString) {
        if (ch === '\n') line++;
        if (/\s/.test(ch)) continue;
        if (ch === ',') {
          if (!pendingComma) throw new LoadFileError("unexpected ',' in the top-level array", { line }, 'shape');
          pendingComma = false;
          continue;
        }
        if (ch === ']') {
          mode = 'done';
          continue;
        }
        if (pendingComma) throw new LoadFileError(`expected ',' between records of the top-level array`, { line }, 'shape');
        currentLine = line;
      }
      current += ch;
      if (current.length > maxRecordBytes) throw new LoadFileError(`record ${index + 1} (from line ${currentLine}) is longer than ${maxRecordBytes} bytes (max_line_bytes)`, { line: currentLine }, 'limit');
      if (ch === '\n') line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') depth--;
      if (depth === 0 && !inString) {
        out.push(emit(current, currentLine));
        current = '';
        pendingComma = true;
      }
    }
    yield* out;
  }
  if (mode === 'lines' && current.trim() !== '') yield emit(current, currentLine);
  if (mode === 'array') throw new LoadFileError('the top-level array is not closed (is the file truncated?)', { line }, 'shape');
  if (mode === 'unknown') throw new LoadFileError('the file is empty: it has no JSON records', { line: 1 }, 'shape');
}
