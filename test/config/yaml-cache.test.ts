/**
 * Parsed YAML is cached by the text's hash; a text read again must give the same data (a fresh copy the loader
 * may change), the same line numbers, and the same errors, and data JSON would not keep exactly (infinities,
 * -0) is parsed again rather than cached.
 */
import { describe, expect, it } from 'vitest';
import { cachedYamlData, parseYamlText } from '../../src/config/yaml.js';
import { parseCommentaryYaml } from '../../src/report/commentary.js';
import { BoardpackError } from '../../src/core/errors.js';

// A text no other test parses, so the first parse here is a real one whatever the cache holds.
const text = `# ${process.pid} ${Date.now()}\npartnership:\n  name: Test\nsources:\n  - id: a\n    file: "a.csv"\n    columns:\n      - { name: n, type: integer }\n`;

describe('YAML parse cache', () => {
  it('gives the same data, as a fresh copy, and the same lines when read again', () => {
    const first = parseYamlText(text, 'first.yaml');
    const again = parseYamlText(text, 'again.yaml');
    expect(again.data).toEqual(first.data);
    expect(again.file).toBe('again.yaml');
    (first.data as { partnership: { name: string } }).partnership.name = 'Changed';
    expect((parseYamlText(text, 'third.yaml').data as { partnership: { name: string } }).partnership.name).toBe('Test');
    for (const p of [['partnership', 'name'], ['sources', 0, 'columns', 0, 'type'], ['sources', 0, 'nowhere']]) {
      expect(again.lineOf(p)).toBe(first.lineOf(p));
    }
    expect(again.lineOf(['sources', 0, 'file'])).toBe(6);
  });

  it('keeps values JSON cannot hold exactly as YAML reads them', () => {
    const odd = `# ${process.pid} odd\na: .inf\nb: -.inf\nc: -0\nd: .nan\n`;
    for (let i = 0; i < 2; i++) {
      const { data } = parseYamlText(odd, 'odd.yaml') as { data: { a: number; b: number; c: number; d: number } };
      expect(data.a).toBe(Number.POSITIVE_INFINITY);
      expect(data.b).toBe(Number.NEGATIVE_INFINITY);
      expect(Object.is(data.c, -0)).toBe(true);
      expect(Number.isNaN(data.d)).toBe(true);
    }
  });

  it('reports a syntax error every time, not only the first', () => {
    const bad = `# ${process.pid} bad\na: [1, 2\n`;
    for (let i = 0; i < 2; i++) expect(() => parseYamlText(bad, 'bad.yaml')).toThrow(BoardpackError);
  });
});

describe('cached YAML data for readers of their own', () => {
  it('parses a text once per reader, and gives each call a fresh copy', () => {
    const t = `# ${process.pid} data\na: [1, 2]\n`;
    let parses = 0;
    const parse = (x: string) => { parses++; return { data: parseYamlText(x, 'x.yaml').data, cacheable: true }; };
    const one = cachedYamlData(t, 'test-reader', parse) as { a: number[] };
    const two = cachedYamlData(t, 'test-reader', parse) as { a: number[] };
    expect(parses).toBe(1);
    expect(two).toEqual({ a: [1, 2] });
    one.a.push(3);
    expect(cachedYamlData(t, 'test-reader', parse)).toEqual({ a: [1, 2] });
    cachedYamlData(t, 'other-reader', parse);
    expect(parses).toBe(2);
  });
});

describe('the commentary file through the cache', () => {
  it('prints the parser\'s warning about a text on every read, not only the first', async () => {
    // An unresolved tag: YAML.parse reads the value and prints a warning, which a cached read would swallow.
    const text = `# ${process.pid} warned\ncommentary:\n  i1:\n    story: !note Referrals fell.\n`;
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(w.message);
    process.on('warning', listen);
    try {
      for (let i = 0; i < 2; i++) {
        expect(parseCommentaryYaml(text, 'commentary.yaml')[0].story).toBe('Referrals fell.');
        await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      }
    } finally {
      process.off('warning', listen);
    }
    expect(warnings.filter((m) => m.includes('Unresolved tag: !note'))).toHaveLength(2);
  });

  it('reads a clean text from the cache the second time, with the same rows', () => {
    const text = `# ${process.pid} clean\ncommentary:\n  i1:\n    story: Referrals fell.\n`;
    expect(parseCommentaryYaml(text, 'commentary.yaml')).toEqual(parseCommentaryYaml(text, 'commentary.yaml'));
  });
});
