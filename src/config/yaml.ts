/**
 * Reads a YAML file into plain data while keeping enough of the document to point at a line for any path,
 * so every config problem can say `file:line at yaml.path`.
 */
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { BoardpackError, problem, type Problem } from '../core/errors.js';

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

export function parseYamlText(text: string, file: string): YamlFile {
  if (text.length > MAX_YAML_BYTES) {
    throw new BoardpackError(problem('BP_YAML_TOO_LARGE', `YAML file is ${text.length} bytes; the limit is ${MAX_YAML_BYTES}`, { file }));
  }
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
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
  return {
    file,
    data,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}
