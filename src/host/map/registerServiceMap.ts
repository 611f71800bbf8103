import * as vscode from 'vscode';
import { parseMapViewState, SERVICE_MAP_VIEW_TYPE } from '../../shared/mapMessages';
import { COMMANDS } from '../commands/commandIds';
import { ServiceMapController } from './serviceMapController';
import type { IDisposable } from '../lifecycle';
import type { ServiceMapDeps } from './serviceMapController';

/**
 * The service map: its controller (owner of the one panel), the "Open Service Map" command and
 * the serializer that restores the panel after a reload (registered during activation;
 * package.json activates on `onWebviewPanel:serverlessLens.serviceMap`). Nothing is computed
 * until the map opens.
 */
export function registerServiceMap(deps: ServiceMapDeps): { controller: ServiceMapController; disposables: IDisposable[] } {
  const controller = new ServiceMapController(deps);
  const serializer = vscode.window.registerWebviewPanelSerializer(SERVICE_MAP_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel: vscode.WebviewPanel, raw: unknown) => {
      // Only UI state was persisted; the graph is built again from what the Traces view lists.
      deps.log.debug('restoring the service map');
      controller.revive(panel, parseMapViewState(raw) ?? {});
    },
  });
  const command = deps.runner.register(COMMANDS.openServiceMap, () => controller.open());
  return { controller, disposables: [controller, serializer, command] };
}
