import * as vscode from 'vscode';
import { TIMELINE_VIEW_TYPE, parseTimelineViewState } from '../../shared/timelineMessages';
import type { ComponentLogger } from '../logger';
import type { TimelinePanels } from './timelinePanels';

/**
 * Restores timeline panels after a window reload. The webview persisted only ids and UI state;
 * the trace itself is fetched again and the state goes back to the webview with the trace.
 * Must be registered during activation (package.json activates on `onWebviewPanel:`).
 */
export function registerTimelinePanelSerializer(panels: TimelinePanels, log: ComponentLogger): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel: vscode.WebviewPanel, raw: unknown) => {
      const state = parseTimelineViewState(raw);
      if (state === undefined) {
        log.warn('closed a restored timeline whose saved state was unreadable');
        panel.dispose();
        return;
      }
      if (state.source !== 'aws' && state.source !== 'local') {
        log.info(`closed a restored timeline of a ${state.source} trace, which cannot be read again: ${state.traceId}`);
        panel.dispose();
        return;
      }
      log.debug(`restoring the timeline of ${state.traceId}`);
      panels.revive(panel, state);
    },
  });
}
