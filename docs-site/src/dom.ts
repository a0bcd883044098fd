import DOMPurify from 'dompurify';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null | ((event: Event) => void)>;

/**
 * Creates an element. Strings become text nodes (never parsed as HTML); attributes starting with
 * `on` are listeners; `href` values pass through `safeHref`.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'href') el.setAttribute('href', safeHref(String(value)));
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** Removes every child of `el`. */
export function clear(el: Element): void {
  el.replaceChildren();
}

/** Only in-site hashes, relative paths and http(s)/mailto URLs; anything else becomes `#`. */
export function safeHref(href: string): string {
  const trimmed = href.trim();
  if (/^(#|\.{0,2}\/|https?:\/\/|mailto:)/i.test(trimmed)) return trimmed;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !trimmed.includes('\\')) return trimmed;
  return '#';
}

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  // A link whose unsafe URL was removed at generate time stays as text, not a link to this page.
  if (node.tagName === 'A' && node.hasAttribute('href') && !node.getAttribute('href')) node.removeAttribute('href');
  // Links in descriptions open outside the site, without the site as referrer.
  if (node.tagName === 'A' && node.getAttribute('href') && !node.getAttribute('href')!.startsWith('#')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/**
 * The one place the site inserts HTML: descriptions, already sanitized at generate time, are
 * sanitized again here with DOMPurify (no scripts, handlers, forms, styles or frames).
 */
export function setSanitizedHtml(el: Element, html: string): void {
  el.innerHTML = DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style'],
  });
}

/** `2026-11-22T01:00:12.064Z` → `2026-11-22 01:00 UTC`. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `1234567` → `1,234,567`; text that is not a number is returned as it is. */
export function formatCount(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /^-?\d+$/.test(text) ? text.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : text;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Replaces the children of `el` (nulls and `false` are skipped). */
export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** `3 hours ago`, `2 days ago`: how long before now an ISO time was. */
export function timeAgo(iso: string | undefined, now = Date.now()): string {
  const t = iso ? Date.parse(iso.includes('T') || iso.endsWith('Z') || /[+-]\d\d(:?\d\d)?$/.test(iso) ? iso : `${iso.replace(' ', 'T')}Z`) : Number.NaN;
  if (Number.isNaN(t)) return '';
  const minutes = Math.round((now - t) / 60_000);
  if (minutes < 1) return 'just now';
  const [value, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.round(minutes / 60), 'hour'] : [Math.round(minutes / 1440), 'day'];
  return `${value} ${unit}${value === 1 ? '' : 's'} ago`;
}
