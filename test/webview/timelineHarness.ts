/**
 * Runs the built timeline webview (dist/webview/timeline.js) in headless Chromium under the real
 * CSP (the page, server and VS Code API stand-in are `webviewHarness.ts`'s). It also plays the
 * host panel's part the page depends on: `postTrace` sends what the panel sends (the real
 * `encodeTimelineRows` of a built trace), and `requestSpan` is answered with the span of that
 * same trace. Build first: `node esbuild.mjs`.
 */
import { parseTimelineToHost } from '../../src/shared/timelineMessages';
import type { HostToTimelineMessage, TimelineToHostMessage } from '../../src/shared/timelineMessages';
import type { Trace } from '../../src/shared/traceModel';
import { traceMessage } from './hostMessages';
import type { TraceMessageOptions } from './hostMessages';
import { launchWebviewPage, WebviewHarness } from './webviewHarness';
import type { HarnessOptions, LaunchedPage } from './webviewHarness';

const TIMELINE_PAGE = { script: 'timeline.js', styles: ['timeline.css'], title: 'Trace timeline', viewport: { width: 1280, height: 800 } };

export class TimelineHarness extends WebviewHarness<HostToTimelineMessage, TimelineToHostMessage> {
  /** The trace last sent with `postTrace`: what the host panel would hold to answer `requestSpan`. */
  private hostTrace: Trace | undefined;

  private constructor(launched: LaunchedPage) {
    super(launched);
  }

  static async start(options: HarnessOptions = {}): Promise<TimelineHarness> {
    const harness = new TimelineHarness(await launchWebviewPage(TIMELINE_PAGE, options));
    await harness.page.exposeFunction('__toHost', (message: unknown) => harness.receive(message));
    return harness;
  }

  /** Posts `trace` as the host panel does, and keeps it to answer the page's `requestSpan`. */
  async postTrace(trace: Trace, options: TraceMessageOptions = {}): Promise<void> {
    this.hostTrace = trace;
    await this.post(traceMessage(trace, options));
  }

  /** The host panel's reply to `requestSpan`, and nothing more: unknown ids get no answer. */
  private receive(message: unknown): void {
    // The panel validates what the page posts; so does its stand-in.
    const request = parseTimelineToHost(message);
    if (request?.type !== 'requestSpan' || this.hostTrace === undefined) {
      return;
    }
    const span = this.hostTrace.spans.find((s) => s.id === request.spanId);
    if (span !== undefined) {
      // Not awaited: the page's postMessage does not wait for the host either.
      this.post({ type: 'span', span }).catch(() => undefined);
    }
  }

  async posted(): Promise<TimelineToHostMessage[]> {
    return (await this.rawPosted()) as TimelineToHostMessage[];
  }
}
