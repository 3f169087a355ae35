/**
 * Types for the ECharts installers charts.ts imports one by one from `echarts/lib/` (the package ships their
 * JavaScript there and their types elsewhere, under `types/src/`). Each is an `echarts.use()` installer.
 */
declare module 'echarts/lib/*' {
  type Installer = Extract<Parameters<typeof import('echarts/core').use>[0], (...args: never[]) => unknown>;
  export const install: Installer;
  export const installLegacyGridContainLabel: Installer;
}
