/**
 * The HTML pack's safety, applied to the final document after templating, so it does not depend on the
 * templates (a partnership may override any of them, layout included): our content security policy is always
 * the first thing in <head>; scripts, frames, objects, forms, <base>, <link>, `http-equiv` metas (refresh
 * included), event handler attributes, `javascript:`/external references and CSS that fetches are removed.
 * Data can never produce any of these (Handlebars escapes `<`, `>`, `"`, `'`, `=` and backtick), so on the
 * bundled templates this changes nothing; it only ever removes what a template added.
 */
export const CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:`;
export const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;

const CONTAINERS = 'script|iframe|object|embed|noscript|template|frameset|frame|applet|portal|noembed|xmp';
const VOIDS = 'base|link|form|input|button|textarea|select|option|isindex';
const URL_ATTRS = 'href|src|xlink:href|action|formaction|srcset|poster|background|ping|data|manifest|cite|longdesc|codebase|lowsrc|dynsrc|usemap';

/** Repeats a replacement until nothing changes (nested or split tags cannot survive one pass). */
function untilStable(s: string, f: (x: string) => string): string {
  for (let i = 0; i < 50; i++) {
    const next = f(s);
    if (next === s) return s;
    s = next;
  }
  return s;
}

/** Any attribute one of the rules below could remove or change: event handlers, URL attributes, style. */
const RISKY_ATTRIBUTE = new RegExp(`\\s(?:on[a-z]+|${URL_ATTRS}|style)\\s*=`, 'i');

function safeUrl(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, '').replace(/&#0*58;|&colon;/gi, ':').replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
  return v.startsWith('#') || v.startsWith('data:image/');
}

function safeCss(css: string): string {
  return css
    .replace(/@import[^;]*;?/gi, '')
    .replace(/url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi, (m, _q, u: string) => (safeUrl(u) ? m : 'none'))
    .replace(/expression\s*\(/gi, 'none(');
}

export function sanitizeHtml(html: string): string {
  let s = untilStable(html, (x) => x
    .replace(new RegExp(`<(${CONTAINERS})\\b[\\s\\S]*?<\\/\\1\\s*>`, 'gi'), '')
    .replace(new RegExp(`<\\/?(?:${CONTAINERS}|${VOIDS})\\b[^>]*>`, 'gi'), '')
    .replace(/\n?<meta\b[^>]*\bhttp-equiv\b[^>]*>/gi, ''));
  // Attributes inside tags: event handlers out; references only to this document or inline images. A tag with
  // none of those attributes is left as it is without trying each rule (most of a pack's tens of thousands).
  s = s.replace(/<[a-zA-Z][^>]*>/g, (tag) => !RISKY_ATTRIBUTE.test(tag) ? tag : untilStable(tag, (t) => t
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(new RegExp(`\\s+(?:${URL_ATTRS})\\s*=\\s*("[^"]*"|'[^']*'|[^\\s>]+)`, 'gi'), (m, v: string) => (safeUrl(v) ? m : ''))
    .replace(/\s+style\s*=\s*("[^"]*"|'[^']*')/gi, (m) => safeCss(m))));
  s = s.replace(/(<style\b[^>]*>)([\s\S]*?)(<\/style\s*>)/gi, (_m, a: string, css: string, b: string) => a + safeCss(css) + b);
  // Our policy, first in <head> (or first in the document when a template has no <head>).
  const head = /<head\b[^>]*>(\s*<meta\s+charset[^>]*>)?/i.exec(s);
  if (head) return `${s.slice(0, head.index + head[0].length)}\n${CSP_META}${s.slice(head.index + head[0].length)}`;
  const doctype = /^\s*<!doctype[^>]*>/i.exec(s);
  return doctype ? doctype[0] + CSP_META + s.slice(doctype[0].length) : CSP_META + s;
}
