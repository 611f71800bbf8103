import type { ServerlessLensApi } from '../../shared/extensionApi';
import type { TraceFileEditors } from './traceFileEditors';

/** Adds the Trace File editors to the test API. */
export function withTraceFilesTestApi(api: ServerlessLensApi, files: TraceFileEditors): ServerlessLensApi {
  api.testing.traceFiles = () =>
    files.snapshots().map((item) => ({
      uri: item.uri,
      ...(item.format === undefined ? {} : { format: item.format }),
      traceCount: item.traceCount,
      ...(item.traceId === undefined ? {} : { traceId: item.traceId }),
      spans: item.spans,
      problems: item.problems,
      loaded: item.loaded,
    }));
  return api;
}
