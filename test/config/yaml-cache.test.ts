/**
 * Parsed YAML is cached by the text's hash; a text read again must give the same data (a fresh copy the loader
 * may change), the same line numbers, and the same errors, and data JSON would not keep exactly (infinities,
 * -0) is parsed again rather than cached.
 */
import { describe, expect, it } from 'vitest';
import { cachedYamlData, parseYamlText } from '../../src/config/yaml.js';
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
    const parse = (x: string) => { parses++; return parseYamlText(x, 'x.yaml').data; };
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
