/**
 * Small markup checks for the report tests, written here because the project has no XML/HTML parser
 * dependency: XML well-formedness for SVG, and a heading outline for HTML.
 */

/** Problems that make `xml` not well-formed (unbalanced or crossed tags, bad attributes, stray `<` or `&`). */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const token = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/g;
  let roots = 0;
  for (const m of xml.matchAll(token)) {
    const [all, close, open, attrs, selfClose] = m;
    if (all === '<') { problems.push(`stray "<" at ${m.index}: ${xml.slice(m.index, m.index + 40)}`); continue; }
    if (all.startsWith('&')) { problems.push(`unescaped "&" at ${m.index}: ${xml.slice(m.index, m.index + 20)}`); continue; }
    if (close) {
      const top = stack.pop();
      if (top !== close) problems.push(`</${close}> closes <${top ?? 'nothing'}> at ${m.index}`);
      continue;
    }
    if (open) {
      if (stack.length === 0) roots++;
      const names = [...(attrs ?? '').matchAll(/([A-Za-z_:][\w:.-]*)\s*=/g)].map((a) => a[1]);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) problems.push(`<${open}> repeats attribute ${dup}`);
      if (!selfClose) stack.push(open);
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return problems;
}

/** Heading levels in document order. */
export function headingLevels(html: string): number[] {
  return [...html.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours. */
export function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
