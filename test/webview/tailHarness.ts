/**
 * Runs the built tail webview (dist/webview/tail.js with timeline.css and tail.css) in headless
 * Chromium under the real CSP, as `timelineHarness.ts` runs the timeline (the page, server and
 * VS Code API stand-in are `webviewHarness.ts`'s). Each message the page posts goes through the
 * host's own `parseTailToHost`. Build first: `node esbuild.mjs`.
 */
import { parseTailToHost } from '../../src/shared/tailMessages';
import type { HostToTailMessage, TailToHostMessage } from '../../src/shared/tailMessages';
import { launchWebviewPage, WebviewHarness } from './webviewHarness';
import type { HarnessOptions, LaunchedPage } from './webviewHarness';

const TAIL_PAGE = { script: 'tail.js', styles: ['timeline.css', 'tail.css'], title: 'Tail', viewport: { width: 1200, height: 700 } };

export class TailHarness extends WebviewHarness<HostToTailMessage, TailToHostMessage> {
  private constructor(launched: LaunchedPage) {
    super(launched);
  }

  static async start(options: HarnessOptions = {}): Promise<TailHarness> {
    return new TailHarness(await launchWebviewPage(TAIL_PAGE, options));
  }

  /** What the page posted, each message checked by the host's parser (a rejected one fails the test). */
  async posted(): Promise<TailToHostMessage[]> {
    return (await this.rawPosted()).map((message) => {
      const parsed = parseTailToHost(message);
      if (parsed === undefined) throw new Error(`the host would reject ${JSON.stringify(message)}`);
      return parsed;
    });
  }
}
