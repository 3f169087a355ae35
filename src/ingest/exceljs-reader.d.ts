/**
 * Type of exceljs's streaming workbook reader imported on its own (`xlsx-stream.ts`): the module is the class
 * the package exports as `stream.xlsx.WorkbookReader`.
 */
declare module 'exceljs/lib/stream/xlsx/workbook-reader.js' {
  import type ExcelJS from 'exceljs';
  const WorkbookReader: typeof ExcelJS.stream.xlsx.WorkbookReader;
  export default WorkbookReader;
}
