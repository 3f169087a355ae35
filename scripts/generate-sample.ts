/**
 * Generates the bundled fictional sample partnership in sample-data/ (npm run sample:generate).
 * Deterministic: the same bytes on every run. `generateSample(outDir)` is what the tests call.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { commentaryYaml } from './sample/commentary.js';
import { comparatorFiles } from './sample/comparators.js';
import { buildExtracts, thousands } from './sample/extracts.js';
import { indicatorFiles, projectSpec, toYaml } from './sample/project.js';
import { readme } from './sample/readme.js';

export interface GeneratedFile { path: string; size: number }

const GITATTRIBUTES = `# Keep the sample extracts byte-for-byte as generated (CRLF CSVs, binary workbook).
* -text
*.xlsx binary
`;

/** Writes the sample project into outDir (its extracts/ and indicators/ folders are replaced). */
export async function generateSample(outDir: string): Promise<GeneratedFile[]> {
  await rm(path.join(outDir, 'extracts'), { recursive: true, force: true });
  await rm(path.join(outDir, 'indicators'), { recursive: true, force: true });
  await rm(path.join(outDir, 'comparators'), { recursive: true, force: true });
  const files: Array<{ path: string; content: Buffer }> = [];
  files.push({ path: 'boardpack.yaml', content: Buffer.from(toYaml(projectSpec(), ' Brackenfield Children and Families Partnership: the fictional sample project.'), 'utf8') });
  files.push({ path: '.gitattributes', content: Buffer.from(GITATTRIBUTES, 'utf8') });
  files.push(...(await buildExtracts()));
  files.push(...comparatorFiles());
  for (const f of indicatorFiles()) files.push({ path: f.path, content: Buffer.from(f.text, 'utf8') });
  files.push({ path: 'commentary.yaml', content: Buffer.from(commentaryYaml(), 'utf8') });
  const listed = files.map((f) => ({ path: f.path, size: f.content.length }));
  files.push({ path: 'README.md', content: Buffer.from(readme(listed), 'utf8') });
  for (const f of files) {
    const target = path.join(outDir, f.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.content);
  }
  return files.map((f) => ({ path: f.path, size: f.content.length }));
}

export const SAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'sample-data');

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const written = await generateSample(SAMPLE_DIR);
  const total = written.reduce((s, f) => s + f.size, 0);
  console.log(`sample-data: ${written.length} files, ${thousands(total)} bytes`);
}
