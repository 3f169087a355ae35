/**
 * The pack as one self-contained, accessible HTML document: Handlebars templates, inline CSS, inline SVG.
 * The PDF is printed from this same HTML, so the print rules live in `templates/pack.css`.
 *
 * Escaping policy (one rule, checked on every template, bundled or overridden):
 * - all data goes through Handlebars' `{{ }}`, which HTML-escapes it; commentary, titles and partner names are
 *   data, so `<script>`, `{{x}}` or `=HYPERLINK(...)` in them print as literal text;
 * - the only triple-stash `{{{ }}}` allowed prints a field named `svg`, which holds a `TrustedSvg` that
 *   `charts.ts` produced and checked (no script, no handler, no external reference);
 * - `{{& }}` and raw blocks `{{{{ }}}}` are refused;
 * - the stylesheet is template text, not data: it is inserted by the `pack-css` partial (a function returning
 *   the file's text) and may not contain `</style`.
 * - block parameters named `svg` and the `log` helper are refused (`log` is not even registered);
 * A template that breaks the policy is a user error (BP_TEMPLATE_UNSAFE), reported with file and line.
 * Whatever the templates, the final HTML is then sanitised (`html-safety.ts`): our CSP first in <head>; no
 * script, handler, meta refresh or external reference survives.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import type { ReportModel } from './model.js';
import { sanitizeHtml } from './html-safety.js';

/**
 * The bundled templates: the package root is two levels up from this module, both as `src/report/html.ts`
 * (tsx, vitest) and as `dist/report/html.js` (after tsc), and `templates/` ships in the package.
 */
export const BUNDLED_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export const LAYOUT = 'layout.hbs';
export const STYLESHEET = 'pack.css';

export interface HtmlOptions {
  /** A partnership's template folder: any file here replaces the bundled file of the same name. */
  templatesDir?: string;
}

/** Template sources by file name, and where each came from (for messages). */
export interface TemplateSet {
  files: Map<string, { source: string; path: string }>;
}

/** Read the bundled templates, then the partnership's overrides by file name (IO; everything else is pure). */
export function readTemplates(templatesDir?: string): TemplateSet {
  const files = new Map<string, { source: string; path: string }>();
  const readDir = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.hbs') && name !== STYLESHEET) continue;
      const file = path.join(dir, name);
      if (!statSync(file).isFile()) continue;
      files.set(name, { source: readFileSync(file, 'utf8'), path: file });
    }
  };
  readDir(BUNDLED_TEMPLATES_DIR);
  if (templatesDir) {
    if (!existsSync(templatesDir) || !statSync(templatesDir).isDirectory()) {
      throw new BoardpackError(problem('BP_TEMPLATES_DIR', `the templates folder ${templatesDir} does not exist`, {
        file: templatesDir,
        yamlPath: 'templates',
        fix: `create the folder with the templates you want to replace (e.g. cover.hbs or pack.css), or remove \`templates:\` from the config to use the bundled ones; bundled templates are in ${BUNDLED_TEMPLATES_DIR}`,
      }));
    }
    readDir(templatesDir);
  }
  return { files };
}

/** Render the model with the bundled templates, overridden by `templatesDir`. */
export function renderHtml(model: ReportModel, options: HtmlOptions = {}): string {
  return renderHtmlWith(model, readTemplates(options.templatesDir));
}

const TRIPLE = /\{\{\{\{?\s*(~?)([^}]*?)\s*~?\}\}\}/g;
/** `{{{svg}}}`, `{{{chart.svg}}}`, `{{{../indicator.sparkline.svg}}}`: a path whose last segment is `svg`. */
const TRUSTED_PATH = /^(?:\.\.\/)*(?:this\.)?(?:[A-Za-z_][\w-]*\.)*svg$/;

/** Problems with a template's use of unescaped output (see the policy at the top of this file). */
export function checkEscapingPolicy(name: string, file: string, template: string): Problem[] {
  const problems: Problem[] = [];
  // Comments may mention the syntax; blank them out (keeping line breaks, so line numbers stay right).
  const source = template.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, (c) => c.replace(/[^\n]/g, ' '));
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const fix = 'print data with {{ }} (escaped); only chart SVG may use {{{ … .svg }}}';
  for (const m of source.matchAll(TRIPLE)) {
    if (m[0].startsWith('{{{{') || !TRUSTED_PATH.test(m[2].trim())) {
      problems.push(problem('BP_TEMPLATE_UNSAFE', `${name} prints ${m[0]} without escaping; only chart SVG fields (\`svg\`) may be printed unescaped`, { file, line: lineOf(m.index), value: m[0], fix }));
    }
  }
  // Block parameters named `svg` would let any value through the `svg` rule above.
  for (const m of source.matchAll(/\bas\s*\|[^|]*\|/g)) {
    if (/\bsvg\b/.test(m[0])) problems.push(problem('BP_TEMPLATE_UNSAFE', `${name} names a block parameter "svg" (${m[0]}), which would print data unescaped`, { file, line: lineOf(m.index), value: m[0], fix: 'give the block parameter another name' }));
  }
  // `log` writes to the console (breaking --json); templates run without it.
  for (const m of source.matchAll(/\{\{~?\s*[#>]?\s*log\b/g)) {
    problems.push(problem('BP_TEMPLATE_UNSAFE', `${name} uses the log helper, which templates may not use`, { file, line: lineOf(m.index), value: m[0], fix: 'remove {{log …}}' }));
  }
  for (const m of source.matchAll(/\{\{~?\s*&/g)) {
    problems.push(problem('BP_TEMPLATE_UNSAFE', `${name} uses {{& }}, which prints without escaping`, { file, line: lineOf(m.index), value: m[0], fix }));
  }
  return problems;
}

/**
 * Points every in-page link at something the document holds. An indicator is drawn in a different place in each
 * kind of pack (a measure's card, a population indicator's turn-the-curve page, or only its definition in the
 * appendix), so a link to its card falls back to its page, then its definition; where the document holds none of
 * them (the board version prints cards for the exceptions only) the link becomes its plain text, never a link to
 * nowhere.
 */
export function resolveInternalLinks(html: string): string {
  const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
  // Only links to an indicator's card are ours to move; a template's own links are left as written.
  return html.replace(/<a href="#ind-([^"]+)">([\s\S]*?)<\/a>/g, (whole, indicator: string, text: string) => {
    if (ids.has(`ind-${indicator}`)) return whole;
    const found = ['ttc', 'def'].map((prefix) => `${prefix}-${indicator}`).find((id) => ids.has(id));
    return found ? `<a href="#${found}">${text}</a>` : text;
  });
}

/** Handlebars' precompiled form of each bundled template, with the sha256 of the text it was compiled from. */
export type PrecompiledTemplates = Record<string, { sha256: string; spec: TemplateSpecification }>;
type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

/** How every template is compiled (the build's precompiling uses the same: `scripts/precompile-templates.mjs`). */
const COMPILE_OPTIONS = { preventIndent: true };

let bundledPrecompiled: PrecompiledTemplates | null | undefined;
/**
 * The bundled templates as the build precompiled them (beside the built module only: run from the sources,
 * every template is compiled from its text). Compiling them is most of a cold render's template work.
 */
export function precompiledTemplates(): PrecompiledTemplates | null {
  if (bundledPrecompiled === undefined) {
    try {
      // Named from dist/ down: the render thread's bundle, one folder below dist/ too, finds it by the same path.
      bundledPrecompiled = createRequire(import.meta.url)('../report/precompiled-templates.cjs') as PrecompiledTemplates;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
      bundledPrecompiled = null;
    }
  }
  return bundledPrecompiled;
}

/** Render with a given template set (pure apart from compiling templates). */
export function renderHtmlWith(model: ReportModel, templates: TemplateSet): string {
  return finishHtml(templateHtmlWith(model, templates));
}

/**
 * The templates' output before `finishHtml`: for a caller that puts something in it first (the render thread
 * puts each chart in its placeholder's place).
 */
export function templateHtmlWith(model: ReportModel, templates: TemplateSet, precompiled: PrecompiledTemplates | null = precompiledTemplates()): string {
  const problems: Problem[] = [];
  const hb = Handlebars.create();
  // A template whose text is exactly the one precompiled is used precompiled (it was checked when built); a
  // partial compiled from text later (an override) gets the options the layout was compiled with, as it would.
  const ready = (name: string, source: string): Handlebars.TemplateDelegate | undefined => {
    const pre = precompiled?.[name];
    if (!pre || pre.sha256 !== createHash('sha256').update(source).digest('hex')) return undefined;
    try {
      return hb.template({ ...pre.spec, compilerOptions: { ...COMPILE_OPTIONS, data: true } } as TemplateSpecification);
    } catch {
      return undefined; // precompiled by another Handlebars release: compiled from the text instead
    }
  };
  let layoutTemplate: Handlebars.TemplateDelegate | undefined;
  // Restricted: no helper that reaches outside the document (log writes to the console).
  hb.unregisterHelper('log');
  const layout = templates.files.get(LAYOUT);
  if (!layout) {
    throw new BoardpackError(problem('BP_TEMPLATE_MISSING', `no ${LAYOUT} template found`, { file: BUNDLED_TEMPLATES_DIR, fix: 'reinstall boardpack: its templates folder is incomplete' }));
  }
  for (const [name, { source, path: file }] of templates.files) {
    if (name === STYLESHEET) {
      if (/<\/style/i.test(source)) {
        problems.push(problem('BP_TEMPLATE_UNSAFE', `${name} contains "</style", which would end the inline stylesheet`, { file, fix: 'remove "</style" from the CSS' }));
      }
      continue;
    }
    problems.push(...checkEscapingPolicy(name, file, source));
    const pre = ready(name, source);
    if (pre) {
      if (name === LAYOUT) layoutTemplate = pre;
      else hb.registerPartial(name.replace(/\.hbs$/, ''), pre);
      continue;
    }
    try {
      Handlebars.parse(source); // compile() is lazy: parse now so syntax errors name the file
    } catch (e) {
      const err = e as Error & { lineNumber?: number };
      const line = err.lineNumber ?? Number(/on line (\d+)/.exec(err.message)?.[1] ?? NaN);
      problems.push(problem('BP_TEMPLATE_SYNTAX', `${name} is not a valid Handlebars template: ${err.message.split('\n')[0]}`, {
        file, line: Number.isFinite(line) ? line : undefined, fix: 'check that every {{#if}}/{{#each}} has its {{/if}}/{{/each}} and braces are balanced',
      }));
      continue;
    }
    if (name !== LAYOUT) hb.registerPartial(name.replace(/\.hbs$/, ''), source);
  }
  const css = templates.files.get(STYLESHEET)?.source ?? '';
  // A function partial: its text is inserted as is (template text, not data; see the policy above).
  hb.registerPartial('pack-css', (() => css) as unknown as Handlebars.Template);
  if (problems.length) throw new BoardpackError(problems);

  try {
    return (layoutTemplate ?? hb.compile(layout.source, COMPILE_OPTIONS))(model);
  } catch (e) {
    const err = e as Error;
    throw new BoardpackError(problem('BP_TEMPLATE_RENDER', `rendering the HTML pack failed: ${err.message.split('\n')[0]}`, {
      file: layout.path,
      fix: /partial/i.test(err.message)
        ? `a template refers to a partial that does not exist; partials are the .hbs files in ${BUNDLED_TEMPLATES_DIR} and your templates folder`
        : 'check the templates in your templates folder against the bundled ones',
    }), { cause: e });
  }
}

/** The final document: sanitised (the safety of the result never depends on the templates: see html-safety.ts) and its links resolved. */
export function finishHtml(templated: string): string {
  return resolveInternalLinks(sanitizeHtml(templated));
}
