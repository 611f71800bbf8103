import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { loadAwsProfiles } from './awsModules';
import { COMMANDS } from '../commands/commandIds';
import type { ContextKeys } from '../contextKeys';
import type { ConnectionController } from './connectionController';

/**
 * `$(cloud) profile · region` in the status bar; a click chooses another profile and region. The
 * region shown is the setting, or the one the SDK resolved once the connection opened.
 */
export class ConnectionStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private resolvedRegion: string | undefined;
  private defaultProfile = 'default';

  constructor(
    private readonly connections: ConnectionController,
    private readonly contextKeys: ContextKeys,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('serverlessLens.connection', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Serverless Lens: AWS Connection';
    this.item.command = COMMANDS.pickConnection;
    this._register(
      connections.onDidChange(() => {
        this.resolvedRegion = undefined;
        this.update();
      }),
    );
    this._register(
      connections.onDidResolveRegion((region) => {
        this.resolvedRegion = region;
        this.update();
      }),
    );
    this.update();
    this.item.show();
    // Reads only the environment (AWS_PROFILE); the module loads after activation returns.
    void loadAwsProfiles().then(
      (profiles) => {
        this.defaultProfile = profiles.defaultProfileName();
        this.update();
      },
      () => undefined,
    );
  }

  private update(): void {
    const { profile, region, endpointUrl } = this.connections.settings();
    const profileLabel = profile !== '' ? profile : this.defaultProfile;
    const regionLabel = region !== '' ? region : (this.resolvedRegion ?? 'default region');
    this.contextKeys.set('serverlessLens.profileLabel', profileLabel);
    this.item.text = `$(cloud) ${profileLabel} · ${regionLabel}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**Serverless Lens: AWS connection**\n\n');
    tooltip.appendText(`Profile: ${profile !== '' ? profile : `${profileLabel} (default chain)`}\n`);
    tooltip.appendMarkdown('  \n');
    tooltip.appendText(`Region: ${regionLabel}${region === '' ? ' (from the profile or environment)' : ''}`);
    if (endpointUrl !== '') {
      tooltip.appendMarkdown('  \n');
      tooltip.appendText(`Endpoint URL: ${endpointUrl}`);
    }
    tooltip.appendMarkdown('\n\nClick to choose another profile or region.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `AWS profile ${profileLabel}, region ${regionLabel}. Choose another profile or region.` };
  }
}
