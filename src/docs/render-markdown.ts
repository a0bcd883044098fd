import { Marked } from 'marked';
import xssModule, { FilterXSS, type SafeAttrValueHandler } from 'xss';

/** js-xss is CommonJS: its helpers are properties of the module object. */
const defaultSafeAttrValue = (xssModule as unknown as { safeAttrValue: SafeAttrValueHandler }).safeAttrValue;

const marked = new Marked({ gfm: true, breaks: false, async: false });

const CELL = ['align', 'colspan', 'rowspan'];
/** Tags and attributes a description may keep: what Markdown produces, and nothing that runs. */
const ALLOWED: Record<string, string[]> = {
  a: ['href', 'title'],
  abbr: ['title'],
  b: [], blockquote: [], br: [], code: [], dd: [], del: [], details: [], div: [], dl: [], dt: [], em: [],
  h1: [], h2: [], h3: [], h4: [], h5: [], h6: [], hr: [], i: [], kbd: [], li: [], mark: [], p: [], pre: [],
  s: [], small: [], span: [], strong: [], sub: [], summary: [], sup: [], u: [], ul: [],
  ol: ['start'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  table: [], thead: [], tbody: [], tfoot: [], tr: [], caption: [],
  th: CELL,
  td: CELL,
};

const SAFE_URL = /^(?:https?:|mailto:|#|\.{0,2}\/|[^:]*$)/i;

const sanitizer = new FilterXSS({
  whiteList: ALLOWED,
  stripIgnoreTag: true,
  stripIgnoreTagBody: ['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'svg', 'math'],
  allowCommentTag: false,
  safeAttrValue(tag: string, name: string, value: string, cssFilter) {
    const cleaned = defaultSafeAttrValue(tag, name, value, cssFilter);
    if ((name === 'href' || name === 'src') && !SAFE_URL.test(cleaned.trim())) return '';
    return cleaned;
  },
});

const textOnly = new FilterXSS({ whiteList: {}, stripIgnoreTag: true, stripIgnoreTagBody: ['script', 'style'] });

/**
 * A description's Markdown as HTML that is safe to insert into a page: rendered with marked,
 * then passed through an allow-list sanitizer (js-xss) that drops scripts, event handlers,
 * `javascript:` and `data:` URLs, styles and anything not listed above. The browser sanitizes
 * again (DOMPurify) before inserting it.
 */
export function renderMarkdown(markdown: string): string {
  if (!markdown.trim()) return '';
  const html = marked.parse(markdown, { async: false });
  return sanitizer.process(html);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ' };

/** The text of a description without Markdown or HTML, for search, tooltips and lists (never parsed as HTML). */
export function markdownToText(markdown: string): string {
  if (!markdown.trim()) return '';
  const html = marked.parse(markdown, { async: false });
  return textOnly
    .process(html.replace(/<\/(p|li|h[1-6]|tr|pre|blockquote)>/g, ' '))
    .replace(/&(#?\w+);/g, (entity: string, name: string) => ENTITIES[name] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Text that Markdown renders as one plain paragraph: words, digits, spaces and light punctuation,
 * not starting with a digit (`1.` would open a list), no URL or e-mail (autolinks), no markup.
 */
const PLAIN = /^(?![0-9])[\p{L}\p{N} ,;()'"?]+[.]?$/u;
const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * A renderer that caches by text (descriptions repeat: docs blocks, shared column docs) and skips
 * Markdown for descriptions that are one plain sentence, the common case on large projects.
 */
export function cachedRenderer(): { html(markdown: string): string; text(markdown: string): string } {
  const html = new Map<string, string>();
  const text = new Map<string, string>();
  return {
    html(markdown) {
      let out = html.get(markdown);
      if (out === undefined) html.set(markdown, (out = PLAIN.test(markdown.trim()) ? `<p>${escapeHtml(markdown.trim())}</p>\n` : renderMarkdown(markdown)));
      return out;
    },
    text(markdown) {
      let out = text.get(markdown);
      if (out === undefined) text.set(markdown, (out = PLAIN.test(markdown.trim()) ? markdown.trim() : markdownToText(markdown)));
      return out;
    },
  };
}
