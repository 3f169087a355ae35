/**
 * The report stage: Assessment → ReportModel → HTML (and, in their own modules, PDF and XLSX).
 * See README.md in this folder.
 */
export { buildReportModel } from './model.js';
export type { ReportModel, ReportMeta, IndicatorView, ChartView, Commentary } from './model.js';
export { renderHtml, readTemplates, renderHtmlWith, BUNDLED_TEMPLATES_DIR } from './html.js';
export type { HtmlOptions, TemplateSet } from './html.js';
export type { TrustedSvg } from './charts.js';
