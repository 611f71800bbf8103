import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { parseMapToHost, SERVICE_MAP_VIEW_TYPE } from '../../shared/mapMessages';
import type { HostToMapMessage, MapToHostMessage } from '../../shared/mapMessages';
import type { ComponentLogger } from '../logger';
import { describeRaw, webviewPageHtml, webviewPanelOptions, webviewScriptOptions } from '../webviewPanels';

/**
 * The service map's webview panel: the page (strict CSP, only `dist/webview` reachable), the
 * typed posts, and every inbound message validated by `parseMapToHost` before the owner sees it.
 * The owner (`ServiceMapController`) decides what to post; this class knows nothing of traces.
 */
export class ServiceMapPanel extends Disposable {
  private readonly received = this._register(new vscode.EventEmitter<MapToHostMessage>());
  /** A valid message from the page (`ready` included). */
  readonly onDidReceive = this.received.event;
  private readonly disposed = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposed.event;

  static create(extensionUri: vscode.Uri, log: ComponentLogger): ServiceMapPanel {
    // No retained context while hidden: the page asks again with `ready` and the host re-posts the last graph.
    const panel = vscode.window.createWebviewPanel(SERVICE_MAP_VIEW_TYPE, 'Service Map', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewPanelOptions(extensionUri));
    return new ServiceMapPanel(panel, extensionUri, log);
  }

  /** Adopts a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: ComponentLogger): ServiceMapPanel {
    panel.webview.options = webviewScriptOptions(extensionUri);
    return new ServiceMapPanel(panel, extensionUri, log);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly log: ComponentLogger,
  ) {
    super();
    panel.title = 'Service Map';
    panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, 'media', 'service-map-light.svg'),
      dark: vscode.Uri.joinPath(extensionUri, 'media', 'service-map-dark.svg'),
    };
    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this._register(panel.onDidDispose(() => this.release()));
    panel.webview.html = this.html();
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Hands a message to the owner as if the page had posted it (validated the same way). */
  receive(raw: unknown): boolean {
    return this.onMessage(raw);
  }

  async post(message: HostToMapMessage): Promise<void> {
    if (this.isDisposed) return;
    const delivered = await this.panel.webview.postMessage(message);
    if (!delivered) this.log.debug(`the service map was not listening for ${message.type}`);
  }

  override dispose(): void {
    this.release();
    this.panel.dispose();
  }

  /** Stops listening without closing the tab (VS Code keeps it for restore after a reload). */
  release(): void {
    if (this.isDisposed) return;
    this.disposed.fire();
    super.dispose();
  }

  private html(): string {
    return webviewPageHtml(this.panel.webview, this.extensionUri, { script: 'map.js', styles: ['map.css'], title: 'Service Map' });
  }

  private onMessage(raw: unknown): boolean {
    const message = parseMapToHost(raw);
    if (message === undefined) {
      this.log.warn(`dropped an invalid message from the service map: ${describeRaw(raw)}`);
      return false;
    }
    this.received.fire(message);
    return true;
  }
}
