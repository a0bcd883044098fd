import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QueryAnswer, QueryService } from '../app/query-service.js';
import { describeError, StrataError, StrataErrors } from '../shared/errors.js';
import { AnswerBytes, matchesIfNoneMatch } from './answer-bytes.js';

export interface QueryServerOptions {
  readonly host: string;
  readonly port: number;
  /** Rows returned at most per answer. */
  readonly maxRows: number;
  /** A query still running after this long is answered 504. */
  readonly timeoutMs: number;
  /** One line per request (method, path, status, cache outcome, time). */
  readonly log?: (line: string) => void;
}

export interface QueryServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Longest request target accepted (the SQL travels in the query string). */
const MAX_URL_BYTES = 8 * 1024;
/** An idle connection stays open this long, so a client polling every few seconds reuses it (Node's default is 5 s). */
const KEEP_ALIVE_MS = 30_000;
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `strata serve`: a small read-only HTTP endpoint over the project's target, so consumers read
 * models and sources without database credentials. `GET /query?sql=…` runs one templated SELECT
 * over the project's relations; `GET /queries` lists the named queries of the YAML and
 * `GET /queries/<name>?param=…` runs one; `cache=false` bypasses the cache. Answers are JSON
 * (`columns`, `rows`, `rowCount`, `truncated`, `cache`, `elapsedMs`) with a weak ETag of the rows:
 * a request whose `If-None-Match` names the current one gets 304 without a body. Anything but GET,
 * a statement that is not a single SELECT, or a read outside the project is refused.
 */
export async function startQueryServer(service: QueryService, options: QueryServerOptions): Promise<QueryServer> {
  const bytes = new AnswerBytes(options.maxRows);
  const server: Server = createServer((request, response) => {
    const started = performance.now();
    void handle(service, options, bytes, request, response).then((outcome) => {
      options.log?.(`${request.method} ${truncate(request.url ?? '', 120)} ${response.statusCode}${outcome ? ` ${outcome}` : ''} ${(performance.now() - started).toFixed(1)} ms`);
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = options.timeoutMs + 10_000;
  server.maxHeadersCount = 50;
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  service: QueryService,
  options: QueryServerOptions,
  bytes: AnswerBytes,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<string | undefined> {
  const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    response.writeHead(status, { 'content-type': JSON_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify(body));
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(405, { error: 'only GET is served: this endpoint is read-only' }, { allow: 'GET, HEAD' });
    return undefined;
  }
  if (Buffer.byteLength(request.url ?? '') > MAX_URL_BYTES) {
    send(414, { error: `the request is longer than ${MAX_URL_BYTES} bytes` });
    return undefined;
  }
  const url = new URL(request.url ?? '/', 'http://strata.invalid');
  const cache = url.searchParams.get('cache') !== 'false';
  try {
    let answer: QueryAnswer;
    if (url.pathname === '/health') {
      send(200, { ok: true });
      return undefined;
    } else if (url.pathname === '/queries') {
      send(200, { queries: service.namedQueries().map((q) => ({ name: q.name, description: q.description, params: q.params, url: `/queries/${encodeURIComponent(q.name)}` })) });
      return undefined;
    } else if (url.pathname === '/query') {
      const sql = url.searchParams.get('sql');
      if (!sql) {
        send(400, { error: 'give the query as ?sql=select …' });
        return undefined;
      }
      answer = await withTimeout(service.run(sql, { cache }), options.timeoutMs);
    } else if (url.pathname.startsWith('/queries/')) {
      const name = decodeURIComponent(url.pathname.slice('/queries/'.length));
      const params: Record<string, string> = {};
      for (const [key, value] of url.searchParams) if (key !== 'cache') params[key] = value;
      answer = await withTimeout(service.runNamed(name, params, { cache }), options.timeoutMs);
    } else {
      send(404, { error: 'not found: use /query?sql=…, /queries or /queries/<name>' });
      return undefined;
    }
    sendAnswer(request, response, answer, bytes);
    return answer.cache;
  } catch (error) {
    const [status, headers] = statusOf(error);
    send(status, { error: describeError(error) }, headers);
    return undefined;
  }
}

/**
 * Writes an answer: the rows' bytes as serialized once per result, then this response's own
 * fields. `private, no-cache`: the client (not a shared proxy) may keep a copy and must revalidate
 * it with the ETag; a match is a 304.
 */
function sendAnswer(request: IncomingMessage, response: ServerResponse, answer: QueryAnswer, bytes: AnswerBytes): void {
  const { head, etag } = bytes.of(answer.result);
  const headers = { 'cache-control': 'private, no-cache', etag, 'x-strata-cache': answer.cache, 'x-content-type-options': 'nosniff' };
  if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const tail = Buffer.from(
    `,"cache":${JSON.stringify(answer.cache)}${answer.reason ? `,"reason":${JSON.stringify(answer.reason)}` : ''},"elapsedMs":${Math.round(answer.elapsedMs * 100) / 100}}`,
  );
  response.writeHead(200, { ...headers, 'content-type': JSON_TYPE, 'content-length': head.length + tail.length });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  // Headers, rows and tail leave in one write (end() uncorks).
  response.cork();
  response.write(head);
  response.end(tail);
}

class TimedOut extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimedOut(`the query did not finish within ${ms / 1000}s`)), ms);
    }),
  ]);
}

function statusOf(error: unknown): [number, Record<string, string>] {
  if (error instanceof TimedOut) return [504, {}];
  if (error instanceof StrataErrors) return [400, {}];
  if (error instanceof StrataError) {
    if (error.code === 'query_refused') return [403, {}];
    if (error.code === 'locked') return [503, { 'retry-after': '1' }];
    if (error.category === 'project') return [400, {}];
  }
  return [500, {}];
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
