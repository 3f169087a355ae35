import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import { afterAll, describe, expect, it } from 'vitest';
import { BoardpackError } from '../../src/core/errors.js';
import { BUNDLED_TEMPLATES_DIR, buildReportModel, renderHtml } from '../../src/report/index.js';
import { checkEscapingPolicy, readTemplates, templateHtmlWith, type PrecompiledTemplates } from '../../src/report/html.js';
import { COMMENTARY, INDICATORS, fixtureAssessment, fixtureConfig, fixtureMeta } from './fixture.js';
import { contrast, headingLevels } from './markup.js';

const esc = (s: string) => Handlebars.escapeExpression(s);
const model = buildReportModel(fixtureConfig(), fixtureAssessment(), fixtureMeta());
const html = renderHtml(model);

const temps: string[] = [];
function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bp-templates-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

function renderError(fn: () => unknown): BoardpackError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BoardpackError) return e;
    throw e;
  }
  throw new Error('expected a BoardpackError');
}

describe('renderHtml: content', () => {
  it('is one English (UK) document with a title, a CSP and no resource outside itself', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="en-GB">');
    expect(html).toContain(`<title>${esc(model.meta.title)}</title>`);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/\s(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*['"]?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import|<link\b|<script\b|<iframe\b|<object\b|<embed\b/i);
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) expect(m[1]).toMatch(/^#[\w-]+$/);
  });

  it('names every indicator and every rating word', () => {
    for (const def of INDICATORS) expect(html).toContain(esc(def.title));
    for (const word of ['Red', 'Amber', 'Green', 'Blue', 'Not rated']) expect(html).toContain(`<span class="rag-word">${word}</span>`);
  });

  it('prints the cover sheet fields first', () => {
    const cover = html.slice(html.indexOf('<section id="cover"'), html.indexOf('<section id="summary"'));
    for (const text of ['Riverside Children and Families Partnership', 'Early Help Partnership Board', 'Quarterly performance meeting', '12 June 2025', 'Performance and Intelligence Team', 'For assurance', 'OFFICIAL-SENSITIVE', '2024/25 Q4']) {
      expect(cover).toContain(text);
    }
    expect(cover).toContain('<th scope="row">Agenda item</th><td>6</td>');
    expect(cover).toContain(esc(fixtureConfig().board.purpose!));
    expect(cover).toContain(esc(fixtureConfig().board.recommendation!));
    const sections = [...html.matchAll(/<section id="([\w-]+)" class="pack-section/g)].map((m) => m[1]);
    expect(sections).toEqual(['cover', 'summary', 'scorecard', 'report-cards', 'turn-the-curve', 'localities', 'appendix']);
  });

  it('shows every rating as word + shape + colour class, never colour alone', () => {
    const badges = [...html.matchAll(/<span class="rag rag-(\w+)">(.*?)<\/span><\/span>/g)];
    expect(badges.length).toBeGreaterThan(20);
    for (const [, rag, inner] of badges) {
      expect(inner).toMatch(/^<span class="rag-shape shape-\w+" aria-hidden="true"><\/span><span class="rag-word">[A-Z][a-z]+(?: rated)?$/);
      expect(rag).toMatch(/^(red|amber|green|blue|grey)$/);
    }
  });

  it('marks suppressed, awaiting and failed figures in words', () => {
    expect(html).toContain('<span class="fig fig-suppressed">c<span class="visually-hidden"> (suppressed to protect small numbers)</span></span>');
    expect(html).toContain('<span class="fig fig-awaiting-data">awaiting data');
    expect(html).toContain('<span class="fig fig-failed">not computed');
  });

  it('inlines every chart as SVG with role=img and an accessible name', () => {
    const svgs = [...html.matchAll(/<svg\b[^>]*>/g)].map((m) => m[0]);
    expect(svgs.length).toBeGreaterThanOrEqual(INDICATORS.length * 2);
    // Legend swatches are decorative (the words beside them name the series); every other SVG is an image with a name.
    const images = svgs.filter((tag) => !/ aria-hidden="true"/.test(tag));
    expect(images.length).toBeGreaterThanOrEqual(INDICATORS.length * 2);
    for (const tag of images) expect(tag).toMatch(/ role="img" aria-label="[^"]{10,}"/);
    for (const tag of svgs.filter((t) => !images.includes(t))) expect(tag).not.toMatch(/role="img"/);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(new Set(ids).size); // ids unique across the document, charts included
  });

  it('is deterministic: the same inputs give the same bytes', () => {
    const again = renderHtml(buildReportModel(fixtureConfig(), fixtureAssessment(), fixtureMeta()));
    expect(again).toBe(html);
  });
});

describe('renderHtml: accessibility', () => {
  it('has header, nav and main landmarks and a skip link', () => {
    expect(html).toMatch(/<header class="site-header">/);
    expect(html).toMatch(/<nav class="site-nav" aria-label="[^"]+">/);
    expect(html).toContain('<main id="main">');
    expect(html).toContain('<a class="skip-link" href="#main">');
    const navTargets = [...html.slice(html.indexOf('<nav'), html.indexOf('</nav>')).matchAll(/href="#([\w-]+)"/g)].map((m) => m[1]);
    for (const id of navTargets) expect(html).toContain(`id="${id}"`);
  });

  it('has one h1 and headings that never skip a level', () => {
    const levels = headingLevels(html);
    expect(levels[0]).toBe(1);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i], `heading ${i}: h${levels[i - 1]} then h${levels[i]}`).toBeLessThanOrEqual(levels[i - 1] + 1);
  });

  it('gives every table a caption and every header cell a scope', () => {
    const tables = [...html.matchAll(/<table\b[^>]*>\s*([\s\S]*?)<\/table>/g)];
    expect(tables.length).toBeGreaterThan(10);
    for (const [, body] of tables) expect(body.trimStart().startsWith('<caption>')).toBe(true);
    const ths = [...html.matchAll(/<th\b[^>]*>/g)].map((m) => m[0]);
    for (const th of ths) expect(th).toMatch(/scope="(row|col|rowgroup)"/);
  });

  it('rating badges and direction words meet 4.5:1 contrast', () => {
    const css = readFileSync(path.join(BUNDLED_TEMPLATES_DIR, 'pack.css'), 'utf8');
    for (const rag of ['red', 'amber', 'green', 'blue', 'grey']) {
      const rule = new RegExp(`\\.rag-${rag} \\{ color: (#[0-9a-f]{6}); background-color: (#[0-9a-f]{6});`).exec(css);
      expect(rule, `.rag-${rag} rule`).not.toBeNull();
      expect(contrast(rule![1], rule![2]), rag).toBeGreaterThanOrEqual(4.5);
    }
    for (const name of ['ink', 'muted', 'link', 'good', 'bad']) {
      const colour = new RegExp(`--${name}: (#[0-9a-f]{6})`).exec(css)![1];
      expect(contrast(colour, '#ffffff'), name).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('print CSS: A4 pages with margins, landscape named page for localities, no breaks inside rows and charts', () => {
    const css = readFileSync(path.join(BUNDLED_TEMPLATES_DIR, 'pack.css'), 'utf8');
    expect(css).toMatch(/@page \{\s*size: A4 portrait;[^}]*margin: 22mm/);
    expect(css).toMatch(/@page wide \{\s*size: A4 landscape;/);
    expect(css).toMatch(/\.orient-landscape \{ page: wide; \}/);
    expect(css).toMatch(/thead \{ display: table-header-group; \}/);
    expect(css).toMatch(/figure[^{]*\btr\b[^{]*\{ break-inside: avoid; \}/);
    expect(css).toMatch(/h1, h2, h3, h4[^{]*\{ break-after: avoid; \}/);
    expect(css).toMatch(/\.pack-section \{ break-before: page; \}/);
    expect(html).toContain('class="pack-section localities"');
  });
});

describe('renderHtml: escaping', () => {
  const hostile = '<script>alert(1)</script> {{x}} =HYPERLINK("a")';
  const out = renderHtml(buildReportModel(
    { ...fixtureConfig(), board: { ...fixtureConfig().board, name: `Board ${hostile}` } },
    fixtureAssessment(),
    fixtureMeta({ ...COMMENTARY, low_birth_weight: { story: hostile, actions: hostile }, early_help: { story: hostile } }),
  ));

  it('prints commentary and config text literally, never as markup, template or formula', () => {
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('{{x}}');
    expect(out).toContain('&#x3D;HYPERLINK(&quot;a&quot;)');
    expect(out).not.toContain('=HYPERLINK("a")');
    // Story, actions (turn-the-curve) and the priority story (report card), and the board name in the title.
    expect(out.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1).toBeGreaterThanOrEqual(4);
    expect(out).toMatch(/<title>[^<]*&lt;script&gt;/);
  });

  it('escapes names that reach the charts too', () => {
    const config = fixtureConfig();
    config.areas = config.areas.map((a) => (a.id === 'north' ? { ...a, name: '<img src=x onerror=alert(1)>' } : a));
    const page = renderHtml(buildReportModel(config, fixtureAssessment(), fixtureMeta()));
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain('&lt;img src');
  });

  it('the bundled templates print unescaped only chart SVG', () => {
    for (const name of readdirSync(BUNDLED_TEMPLATES_DIR).filter((f) => f.endsWith('.hbs'))) {
      const file = path.join(BUNDLED_TEMPLATES_DIR, name);
      expect(checkEscapingPolicy(name, file, readFileSync(file, 'utf8'))).toEqual([]);
    }
  });
});

describe('renderHtml: template overrides', () => {
  it('a partnership folder replaces one partial by file name; the rest stay bundled', () => {
    const dir = tempDir({ 'cover.hbs': '<section id="{{id}}" class="pack-section cover"><h1>Custom cover: {{title}}</h1><p>{{protectiveMarking}}</p></section>\n' });
    const out = renderHtml(model, { templatesDir: dir });
    expect(out).toContain('<h1>Custom cover: Early Help Outcomes Framework: performance report</h1>');
    expect(out).not.toContain('Report details');
    expect(out).toContain('<h2 id="scorecard-title">Scorecard</h2>');
    expect(out).toContain('@page wide');
  });

  // The build precompiles the bundled templates (scripts/precompile-templates.mjs); a run uses them for a template
  // whose text is exactly the one compiled. They must print the very bytes compiling the text prints.
  const PRECOMPILED = path.join(BUNDLED_TEMPLATES_DIR, '..', 'dist', 'report', 'precompiled-templates.cjs');
  it.skipIf(!existsSync(PRECOMPILED))('the precompiled bundled templates print what compiling their text prints, and an override still wins (skipped until `npm run build` has made dist/)', () => {
    const pre = createRequire(import.meta.url)(PRECOMPILED) as PrecompiledTemplates;
    const bundled = readTemplates();
    for (const [name, { source }] of bundled.files) {
      if (name.endsWith('.hbs')) expect(pre[name]?.sha256, `${name} precompiled from its current text`).toBe(createHash('sha256').update(source).digest('hex'));
    }
    expect(templateHtmlWith(model, bundled, pre)).toBe(templateHtmlWith(model, bundled, null));
    // An overridden partial, called from a precompiled one, is compiled with the same options as before (its own
    // indented call of another partial shows it: the lines of that partial's output are not indented).
    const dir = tempDir({ 'chart-key.hbs': '<p class="custom-key">\n  {{> custom-inner}}\n</p>\n', 'custom-inner.hbs': '<span>a</span>\n<span>b</span>\n' });
    const overridden = readTemplates(dir);
    const out = templateHtmlWith(model, overridden, pre);
    expect(out).toContain('<p class="custom-key">\n  <span>a</span>\n<span>b</span>\n</p>');
    expect(out).toBe(templateHtmlWith(model, overridden, null));
  });

  it('replaces the stylesheet by file name', () => {
    const dir = tempDir({ 'pack.css': 'body { font-family: "Partnership Sans", sans-serif; }\n' });
    const out = renderHtml(model, { templatesDir: dir });
    expect(out).toContain('"Partnership Sans"');
    expect(out).not.toContain('@page wide');
  });

  it('refuses an override that prints data unescaped, naming file and line', () => {
    const dir = tempDir({ 'summary.hbs': '<section>\n<p>{{{headline}}}</p>\n<p>{{& detail}}</p>\n{{{{raw}}}}{{{{/raw}}}}\n</section>\n' });
    const err = renderError(() => renderHtml(model, { templatesDir: dir }));
    expect(new Set(err.problems.map((p) => p.code))).toEqual(new Set(['BP_TEMPLATE_UNSAFE']));
    expect(new Set(err.problems.map((p) => p.line))).toEqual(new Set([2, 3, 4]));
    expect(err.problems[0].file).toBe(path.join(dir, 'summary.hbs'));
  });

  it('reports a template syntax error with its file and line', () => {
    const dir = tempDir({ 'appendix.hbs': '<section>\n{{#each glossary}}\n<p>{{term}}</p>\n</section>\n' });
    const err = renderError(() => renderHtml(model, { templatesDir: dir }));
    expect(err.code).toBe('BP_TEMPLATE_SYNTAX');
    expect(err.problems[0].file).toBe(path.join(dir, 'appendix.hbs'));
  });

  it('reports a missing templates folder as a user error with a fix', () => {
    const err = renderError(() => renderHtml(model, { templatesDir: path.join(tmpdir(), 'no-such-boardpack-templates') }));
    expect(err.code).toBe('BP_TEMPLATES_DIR');
    expect(err.problems[0].fix).toMatch(/templates/);
  });

  it('a reference to a partial that does not exist is a render error with a fix', () => {
    const dir = tempDir({ 'cover.hbs': '<section>{{> no-such-partial}}</section>' });
    const err = renderError(() => renderHtml(model, { templatesDir: dir }));
    expect(err.code).toBe('BP_TEMPLATE_RENDER');
    expect(err.problems[0].fix).toMatch(/partial/);
  });

  it('finds the bundled templates relative to the module', () => {
    expect(existsSync(path.join(BUNDLED_TEMPLATES_DIR, 'layout.hbs'))).toBe(true);
    expect(path.basename(path.dirname(path.join(BUNDLED_TEMPLATES_DIR, 'x')))).toBe('templates');
  });
});
