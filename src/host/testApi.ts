import type { ServerlessLensApi } from '../shared/extensionApi';
import type { TimelinePanels } from './timeline/timelinePanels';
import type { TracesTreeProvider } from './traces/tracesTreeProvider';

/** What `activate()` returns: read-only views of the UI state for the extension's own tests. */
export function createExtensionApi(tree: TracesTreeProvider, panels: TimelinePanels): ServerlessLensApi {
  return {
    testing: {
      tracesSettled: () => tree.settled(),
      traceRows: () => tree.snapshot(),
      tracesState: () => tree.tracesState,
      openTimelines: () => panels.ids(),
    },
  };
}

/** The API of an extension whose activation failed: empty, so tests fail on assertions, not on TypeErrors. */
export function failedExtensionApi(): ServerlessLensApi {
  return {
    testing: {
      tracesSettled: () => Promise.resolve(),
      traceRows: () => [],
      tracesState: () => 'activationFailed',
      openTimelines: () => [],
    },
  };
}
