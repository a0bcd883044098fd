import { SITE_CALLBACK, type ColumnGraphData, type NodeDetail, type SearchData, type SiteIndex } from '../../src/docs/site-data.js';

type Entry = readonly [kind: string, key: number | null, payload: unknown];
type Queue = { push(entry: Entry): number };

const waiting = new Map<string, ((payload: unknown) => void)[]>();
const received = new Map<string, unknown>();
const cacheKey = (kind: string, key: number | null): string => `${kind}:${key ?? ''}`;

function accept([kind, key, payload]: Entry): void {
  const id = cacheKey(kind, key);
  received.set(id, payload);
  for (const resolve of waiting.get(id) ?? []) resolve(payload);
  waiting.delete(id);
}

/** Takes over the queue the data scripts push to, handling what arrived before the app. */
export function startDataQueue(): void {
  const w = window as unknown as Record<string, unknown>;
  const early = Array.isArray(w[SITE_CALLBACK]) ? (w[SITE_CALLBACK] as Entry[]) : [];
  const queue: Queue = { push: (entry) => (accept(entry), 0) };
  w[SITE_CALLBACK] = queue;
  early.forEach(accept);
}

/** The project index (loaded by index.html before the app). */
export function siteIndex(): SiteIndex | undefined {
  return received.get(cacheKey('index', null)) as SiteIndex | undefined;
}

const loading = new Map<string, Promise<unknown>>();

/** Loads a data script once (a `<script src>`, which works from file://) and resolves with its payload. */
function load(kind: string, key: number | null, src: string): Promise<unknown> {
  const id = cacheKey(kind, key);
  if (received.has(id)) return Promise.resolve(received.get(id));
  const pending = loading.get(id);
  if (pending) return pending;
  const promise = new Promise<unknown>((resolve, reject) => {
    waiting.set(id, [...(waiting.get(id) ?? []), resolve]);
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onerror = () => {
      loading.delete(id);
      reject(new Error(`could not load ${src}`));
    };
    document.head.append(script);
  });
  loading.set(id, promise);
  return promise;
}

/** One node's page data, from the chunk file holding it. */
export async function loadNode(index: number): Promise<NodeDetail> {
  const chunk = Math.floor(index / (siteIndex()?.detailChunk ?? 1));
  const details = (await load('nodes', chunk, `data/nodes/${chunk}.js`)) as NodeDetail[];
  const detail = details.find((d) => d.index === index);
  if (!detail) throw new Error(`node ${index} is missing from data/nodes/${chunk}.js`);
  return detail;
}
export const loadSearch = (): Promise<SearchData> => load('search', null, 'data/search.js') as Promise<SearchData>;
export const loadColumns = (): Promise<ColumnGraphData> => load('columns', null, 'data/columns.js') as Promise<ColumnGraphData>;
