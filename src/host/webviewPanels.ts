/**
 * What every webview panel of the extension sets up the same way: the options (scripts on, only
 * the built `dist/webview` folder reachable, no retained context while hidden) and the page HTML
 * (strict CSP with a fresh nonce, via `renderWebviewHtml`), plus a short form of a rejected
 * inbound message for the log.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { renderWebviewHtml } from '../shared/webviewHtml';

/** The built webview bundles; the only folder a page may load from. */
function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/** Options for `createWebviewPanel`; `extra` adds panel-only options such as the find widget. */
export function webviewPanelOptions(extensionUri: vscode.Uri, extra: vscode.WebviewPanelOptions = {}): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)], ...extra };
}

/** Options for the webview of a panel VS Code handed us (restored after a reload, custom editor). */
export function webviewScriptOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

export interface WebviewPage {
  /** File names in `dist/webview`. */
  script: string;
  styles: readonly string[];
  title: string;
}

/** The page HTML for `webview`: its bundle and sheets from `dist/webview`, a fresh nonce. */
export function webviewPageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const root = webviewRoot(extensionUri);
  const uri = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
  return renderWebviewHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: uri(page.script),
    styleUris: page.styles.map(uri),
    title: page.title,
  });
}

/** A rejected message from a page, cut short for the log. */
export function describeRaw(raw: unknown): string {
  try {
    const text = JSON.stringify(raw) ?? String(raw);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return typeof raw;
  }
}
