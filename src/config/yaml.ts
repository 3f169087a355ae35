/**
 * Reads a YAML file into plain data while keeping enough of the document to point at a line for any path,
 * so every config problem can say `file:line at yaml.path`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import { userCacheDir, writeCacheFile } from '../core/user-cache.js';

export interface YamlFile {
  file: string;
  data: unknown;
  /** 1-based line of the node at a path, or of its nearest existing parent. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/** Aliases expand to at most this many nodes: refuses "billion laughs" alias bombs. */
const MAX_ALIAS_COUNT = 100;
const MAX_YAML_BYTES = 5 * 1024 * 1024;

export async function readYamlFile(file: string): Promise<YamlFile> {
  let text: string;
  try {
    // A FIFO or device would block the read for ever; a huge file is refused before it is read. Read synchronously:
    // a project is a few dozen small files, and a round trip through the I/O thread pool for each cost more than
    // the reading (a quarter of a second on a busy machine).
    const st = statSync(file);
    if (!st.isFile()) {
      throw new BoardpackError(problem('BP_FILE_NOT_REGULAR', `${file} is not a regular file (${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe' : 'a device or socket'}), so it is not read`, {
        file, fix: 'point it at an ordinary YAML file',
      }));
    }
    if (st.size > MAX_YAML_BYTES) throw new BoardpackError(problem('BP_YAML_TOO_LARGE', `YAML file is ${st.size} bytes; the limit is ${MAX_YAML_BYTES}`, { file }));
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof BoardpackError) throw e;
    throw new BoardpackError(problem('BP_FILE_MISSING', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file,
      fix: 'check the path; paths in boardpack.yaml are relative to the project folder',
    }));
  }
  return parseYamlText(text, file);
}

const PARSE_OPTIONS = { prettyErrors: true, uniqueKeys: true } as const;

export function parseYamlText(text: string, file: string): YamlFile {
  if (text.length > MAX_YAML_BYTES) {
    throw new BoardpackError(problem('BP_YAML_TOO_LARGE', `YAML file is ${text.length} bytes; the limit is ${MAX_YAML_BYTES}`, { file }));
  }
  const cache = parsedCache();
  const key = cache && cache.keyOf(text);
  const known = key ? cache.get(key) : undefined;
  if (known !== undefined) return yamlFile(file, text, JSON.parse(known));
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, ...PARSE_OPTIONS });
  if (doc.errors.length) {
    const problems: Problem[] = doc.errors.map((err) => /Maximum call stack/i.test(err.message)
      // The yaml parser reports a stack overflow on absurdly deep nesting as a syntax error.
      ? problem('BP_YAML_TOO_DEEP', 'the YAML nests lists or mappings too deeply to read', {
        file, line: err.linePos?.[0]?.line, fix: 'a boardpack file needs only a few levels of nesting: check for runaway [ or { brackets',
      })
      : problem('BP_YAML_SYNTAX', `YAML syntax error: ${err.message.split('\n')[0]}`, {
        file,
        line: err.linePos?.[0]?.line,
        fix: 'check indentation and quoting on that line (strings containing ": " or "#" need quotes)',
      }));
    throw new BoardpackError(problems);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new BoardpackError(problem('BP_YAML_ALIAS_BOMB', `YAML aliases expand too far: ${(e as Error).message}`, {
      file,
      fix: 'write the values out instead of nesting many aliases (&anchor / *alias)',
    }));
  }
  if (key && isPlainJson(data)) cache.set(key, JSON.stringify(data));
  return yamlFile(file, text, data, { doc, lineCounter });
}

/**
 * `parse(text)` through the same cache, for readers that need only the data and report the parser's own errors
 * (the commentary file): a text seen before is not parsed again. `kind` names the reader, whose parse may differ
 * from `parseYamlText`'s. A parse that says something beyond its data (a warning printed) answers `cacheable:
 * false`, so the next run says it again rather than reading the data silently from the cache.
 */
export function cachedYamlData(text: string, kind: string, parse: (text: string) => { data: unknown; cacheable: boolean }): unknown {
  const cache = parsedCache();
  const key = cache && cache.keyOf(`${kind}\0${text}`);
  const known = key ? cache.get(key) : undefined;
  if (known !== undefined) return JSON.parse(known);
  const { data, cacheable } = parse(text);
  if (key && cacheable && isPlainJson(data)) cache.set(key, JSON.stringify(data));
  return data;
}

/** The file's data, with line numbers from its document (parsed now, or only when a line is first asked for). */
function yamlFile(file: string, text: string, data: unknown, parsed?: { doc: Document; lineCounter: LineCounter }): YamlFile {
  let doc = parsed?.doc;
  let lineCounter = parsed?.lineCounter;
  return {
    file,
    data,
    lineOf(path) {
      if (!doc || !lineCounter) {
        lineCounter = new LineCounter();
        doc = parseDocument(text, { lineCounter, ...PARSE_OPTIONS });
      }
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

/** Data JSON writes and reads back unchanged: plain objects and arrays of strings, finite numbers (not -0), booleans and null. */
function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(isPlainJson);
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.keys(v).every((k) => k !== '__proto__') && Object.values(v).every(isPlainJson);
}

/**
 * The data of YAML texts parsed before, by a hash of the text, the parser's settings and the package's
 * package.json (which pins the parser's version): a project's two dozen files cost a tenth of a second to parse
 * in a fresh process, and the same files are read on every run. Kept in one file in the user's private cache
 * folder, written when the process exits (whole, then renamed), with the texts used by this run first and at
 * most CACHE_ENTRIES in all. Only data JSON keeps exactly is cached; line numbers come from parsing the text
 * again when a problem needs one.
 */
const CACHE_ENTRIES = 500;
let cacheState: ParsedCache | null | undefined;
interface ParsedCache { keyOf(text: string): string; get(key: string): string | undefined; set(key: string, json: string): void }

function parsedCache(): ParsedCache | undefined {
  if (cacheState !== undefined) return cacheState ?? undefined;
  cacheState = null;
  const dir = userCacheDir();
  if (!dir) return undefined;
  const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  let salt: string;
  try {
    salt = createHash('sha256').update(readFileSync(path.join(packageRoot, 'package.json'))).update(JSON.stringify({ PARSE_OPTIONS, MAX_ALIAS_COUNT })).digest('hex');
  } catch {
    return undefined;
  }
  const file = path.join(dir, `yaml-${createHash('sha256').update(packageRoot).digest('hex').slice(0, 16)}.json`);
  let stored: Record<string, string> = {};
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { salt?: unknown; entries?: unknown };
    if (v.salt === salt && v.entries && typeof v.entries === 'object') stored = v.entries as Record<string, string>;
  } catch { /* no cache yet, or a damaged one: start afresh */ }
  const used = new Map<string, string>();
  let added = false;
  process.once('exit', () => {
    if (!added) return;
    const entries: Record<string, string> = Object.fromEntries(used);
    for (const [k, v] of Object.entries(stored)) {
      if (Object.keys(entries).length >= CACHE_ENTRIES) break;
      if (!(k in entries) && typeof v === 'string') entries[k] = v;
    }
    writeCacheFile(file, JSON.stringify({ salt, entries }));
  });
  cacheState = {
    keyOf: (text) => createHash('sha256').update(text).digest('hex'),
    get(key) {
      const v = used.get(key) ?? (Object.hasOwn(stored, key) && typeof stored[key] === 'string' ? stored[key] : undefined);
      if (v !== undefined) used.set(key, v);
      return v;
    },
    set(key, json) {
      used.set(key, json);
      added = true;
    },
  };
  return cacheState;
}
