/**
 * The report stage's IO: render each format (pure functions in src/report) and write it atomically.
 * A PDF failure (no browser, timeout, crash) is reported, and the HTML, XLSX and JSON are still written.
 */
import path from 'node:path';
import { BoardpackError, type Problem } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { sha256Text } from '../core/hash.js';
import type { Config } from '../config/types.js';
import type { Assessment } from '../assess/types.js';
import { buildReportModel, renderHtml } from '../report/index.js';
import type { Logger } from './index.js';

export interface RenderedFile { format: 'html' | 'pdf' | 'xlsx' | 'json'; path: string; sha256: string }

export interface RenderOptions {
  generatedAt: string;
  outDir: string;
  toolVersion: string;
  log: Logger;
  commentary?: Record<string, { story?: string; actions?: string; updatedAt?: string }>;
}

export async function renderPack(config: Config, assessment: Assessment, options: RenderOptions): Promise<{ files: RenderedFile[]; problems: Problem[] }> {
  const files: RenderedFile[] = [];
  const problems: Problem[] = [];
  const formats = config.outputs.formats;
  const write = async (format: RenderedFile['format'], name: string, data: string | Uint8Array) => {
    const file = path.join(options.outDir, name);
    await writeFileAtomic(file, data);
    files.push({ format, path: file, sha256: sha256Text(data) });
  };
  const model = buildReportModel(config, assessment, {
    generatedAt: options.generatedAt,
    dataAsAt: assessment.period.end,
    toolVersion: options.toolVersion,
    commentary: options.commentary,
  });
  const html = renderHtml(model, { templatesDir: config.templatesDir });
  if (formats.includes('html')) await write('html', 'board-pack.html', html);
  if (formats.includes('xlsx')) {
    const { renderXlsx } = await import('../report/xlsx.js');
    await write('xlsx', 'scorecard.xlsx', await renderXlsx(assessment, { partnership: config.partnership.name, generatedAt: options.generatedAt, priorities: config.framework.priorities, areas: config.areas }));
  }
  if (formats.includes('pdf')) {
    const { resolveBrowser, launchBrowser } = await import('../report/browser.js');
    const { renderPdf } = await import('../report/pdf.js');
    try {
      const resolved = await resolveBrowser({ explicit: config.browser });
      options.log.info(`PDF: printing with ${resolved.source} browser ${resolved.executablePath}`);
      const browser = await launchBrowser(resolved);
      try {
        const pdf = await renderPdf(browser, html, {
          title: `${config.partnership.name}: ${config.board.name} performance report, ${assessment.period.label}`,
          author: config.board.author ?? config.partnership.name,
          subject: `${config.framework.title}: performance pack for ${assessment.period.label}`,
          headerLeft: `${config.partnership.shortName} · ${config.board.name}`,
          headerRight: config.board.meetingDate ?? assessment.period.label,
          footerLeft: config.board.protectiveMarking,
        });
        await write('pdf', 'board-pack.pdf', pdf);
      } finally {
        await browser.close().catch(() => {});
      }
    } catch (e) {
      if (!(e instanceof BoardpackError)) throw e;
      problems.push(...e.problems);
      options.log.warn(e.message);
    }
  }
  return { files, problems };
}
