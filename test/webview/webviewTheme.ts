/**
 * The VS Code theme a webview harness page runs under: the `--vscode-*` variables VS Code injects
 * into a webview (values like those of its default dark, light and high-contrast themes) and the
 * body class it sets. Served as a stylesheet, since the CSP forbids inline styles.
 */

export type HarnessTheme = 'dark' | 'light' | 'highContrast';

const COMMON: Record<string, string> = {
  'font-family': "-apple-system, BlinkMacSystemFont, 'Segoe WPC', 'Segoe UI', 'Ubuntu', 'Droid Sans', sans-serif",
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': "'Droid Sans Mono', 'monospace', monospace",
  'editor-font-size': '12px',
};

const DARK: Record<string, string> = {
  foreground: '#cccccc',
  descriptionForeground: '#9d9d9d',
  errorForeground: '#f85149',
  focusBorder: '#0078d4',
  'editor-background': '#1f1f1f',
  'editor-foreground': '#cccccc',
  'sideBar-background': '#181818',
  'sideBarSectionHeader-background': '#181818',
  'panel-border': '#2b2b2b',
  'widget-border': '#313131',
  'editorWarning-foreground': '#cca700',
  'editorRuler-foreground': '#5a5a5a',
  'editorIndentGuide-background1': '#404040',
  'editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)',
  'editor-findMatchBorder': '#ea5c00',
  'list-hoverBackground': '#2a2d2e',
  'list-activeSelectionBackground': '#04395e',
  'list-activeSelectionForeground': '#ffffff',
  'list-inactiveSelectionBackground': '#37373d',
  'list-focusOutline': '#0078d4',
  'button-background': '#0078d4',
  'button-foreground': '#ffffff',
  'button-hoverBackground': '#026ec1',
  'button-border': 'rgba(255, 255, 255, 0.07)',
  'button-secondaryBackground': '#313131',
  'button-secondaryForeground': '#cccccc',
  'button-secondaryHoverBackground': '#3c3c3c',
  'input-background': '#313131',
  'input-foreground': '#cccccc',
  'input-border': '#3c3c3c',
  'input-placeholderForeground': '#989898',
  'badge-background': '#616161',
  'badge-foreground': '#f8f8f8',
  'icon-foreground': '#cccccc',
  'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
  'textLink-foreground': '#4daafc',
  'textLink-activeForeground': '#4daafc',
  'textCodeBlock-background': '#2b2b2b',
  'textBlockQuote-background': '#2b2b2b',
  'progressBar-background': '#0078d4',
  'sash-hoverBorder': '#0078d4',
  'tree-indentGuidesStroke': '#585858',
  'settings-headerForeground': '#ffffff',
  'charts-red': '#f14c4c',
  'charts-blue': '#3794ff',
  'charts-yellow': '#cca700',
  'charts-orange': '#d18616',
  'charts-green': '#89d185',
  'charts-purple': '#b180d7',
  'testing-iconPassed': '#73c991',
  'debugTokenExpression-name': '#c586c0',
  'debugTokenExpression-string': '#ce9178',
  'debugTokenExpression-number': '#b5cea8',
  'debugTokenExpression-boolean': '#4e94ce',
  'symbolIcon-variableForeground': '#75beff',
  'serverlessLens-status-ok': '#73c991',
  'serverlessLens-status-error': '#cca700',
  'serverlessLens-status-fault': '#f85149',
  'serverlessLens-status-throttle': '#b180d7',
  'serverlessLens-coldStart': '#3794ff',
};

const LIGHT: Record<string, string> = {
  ...DARK,
  foreground: '#3b3b3b',
  descriptionForeground: '#3b3b3b',
  errorForeground: '#f85149',
  focusBorder: '#005fb8',
  'editor-background': '#ffffff',
  'editor-foreground': '#3b3b3b',
  'sideBar-background': '#f8f8f8',
  'sideBarSectionHeader-background': '#f8f8f8',
  'panel-border': '#e5e5e5',
  'widget-border': '#e5e5e5',
  'editorWarning-foreground': '#bf8803',
  'editorRuler-foreground': '#d3d3d3',
  'editorIndentGuide-background1': '#d3d3d3',
  'list-hoverBackground': '#f2f2f2',
  'list-activeSelectionBackground': '#e8e8e8',
  'list-activeSelectionForeground': '#000000',
  'list-inactiveSelectionBackground': '#e4e6f1',
  'input-background': '#ffffff',
  'input-foreground': '#3b3b3b',
  'input-border': '#cecece',
  'badge-background': '#cccccc',
  'badge-foreground': '#3b3b3b',
  'icon-foreground': '#3b3b3b',
  'textCodeBlock-background': '#f2f2f2',
  'textBlockQuote-background': '#f8f8f8',
  'settings-headerForeground': '#1f1f1f',
  'button-secondaryBackground': '#e5e5e5',
  'button-secondaryForeground': '#3b3b3b',
  'button-secondaryHoverBackground': '#cccccc',
  'testing-iconPassed': '#388a34',
  'serverlessLens-status-ok': '#388a34',
  'serverlessLens-status-error': '#bf8803',
};

const HIGH_CONTRAST: Record<string, string> = {
  ...DARK,
  foreground: '#ffffff',
  descriptionForeground: '#ffffff',
  contrastBorder: '#6fc3df',
  contrastActiveBorder: '#f38518',
  focusBorder: '#f38518',
  'editor-background': '#000000',
  'sideBar-background': '#000000',
  'list-activeSelectionBackground': '#000000',
  'list-inactiveSelectionBackground': '#000000',
  'list-hoverBackground': '#000000',
  'input-background': '#000000',
  'input-border': '#6fc3df',
};

const THEMES: Record<HarnessTheme, { vars: Record<string, string>; bodyClass: string }> = {
  dark: { vars: DARK, bodyClass: 'vscode-dark' },
  light: { vars: LIGHT, bodyClass: 'vscode-light' },
  highContrast: { vars: HIGH_CONTRAST, bodyClass: 'vscode-high-contrast' },
};

/** A stylesheet (served, not inline: the CSP forbids inline styles) defining the theme variables. */
export function themeStylesheet(theme: HarnessTheme): string {
  const vars = { ...COMMON, ...THEMES[theme].vars };
  const lines = Object.entries(vars).map(([name, value]) => `  --vscode-${name}: ${value};`);
  return `html {\n${lines.join('\n')}\n}\n`;
}

export function themeBodyClass(theme: HarnessTheme): string {
  return THEMES[theme].bodyClass;
}
