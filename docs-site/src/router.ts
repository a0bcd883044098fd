/** A parsed location hash: `#/graph?focus=…` → `{ path: ['graph'], params }`. */
export interface Route {
  readonly path: readonly string[];
  readonly params: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, '') || '/graph';
  const [pathPart = '', query = ''] = hash.split('?', 2);
  return { path: pathPart.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

/** `#/node/<id>`, `#/graph?focus=<id>&depth=2`, … */
export function href(path: readonly string[], params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  const q = query.toString();
  return `#/${path.map(encodeURIComponent).join('/')}${q ? `?${q}` : ''}`;
}

export const nodeHref = (id: string, column?: string): string => href(['node', id], { column });

export function navigate(to: string): void {
  if (location.hash === to) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = to;
}
