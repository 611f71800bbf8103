import { logGroupCandidates } from '../../core/failureSite';
import { Disposable } from '../lifecycle';
import type { InvocationInfo } from '../../core/failureSite';
import type { ParsedFrame } from '../../core/stackFrames';
import type { FunctionEntry } from '../../shared/projectModel';
import type { ConnectionController } from '../connection/connectionController';
import type { ComponentLogger } from '../logger';

/** Clock skew between X-Ray and CloudWatch Logs, and the runtime's logging delay. */
const WINDOW_MARGIN_MS = 60_000;
/** Request ids remembered; a trace session rarely jumps to more failing invocations than this. */
const MAX_CACHED = 200;

/**
 * The stack with columns of one failing invocation, from its `Invoke Error` log line. X-Ray
 * frames of a minified bundle have no column, so this is what pins them to one original line.
 * Results (including "nothing found") are cached per request id for the connection's lifetime.
 * No logs permission, no log group or no line: the caller resolves without evidence.
 */
export class InvocationEvidence extends Disposable {
  private readonly cache = new Map<string, Promise<ParsedFrame[] | undefined>>();

  constructor(
    private readonly connections: ConnectionController,
    private readonly log: ComponentLogger,
  ) {
    super();
    // Another profile or region is another account's logs.
    this._register(connections.onDidChange(() => this.cache.clear()));
  }

  framesFor(info: InvocationInfo, entry: FunctionEntry | undefined, signal: AbortSignal): Promise<ParsedFrame[] | undefined> {
    const requestId = info.requestId;
    if (requestId === undefined) return Promise.resolve(undefined);
    const shared = this.cache.get(requestId);
    if (shared === undefined) {
      const pending = this.fetch(info, requestId, entry, signal);
      this.remember(requestId, pending);
      return pending;
    }
    // "Go to source" and the Problems view share this cache: a lookup started under the other's
    // signal fails when that one aborts (the Problems view resets on every connection, index or
    // setting change). That abort is not ours, so look again under our own signal (once: the
    // failed entry is already forgotten, so the retry starts its own lookup).
    return shared.catch((error: unknown) => {
      if (signal.aborted) throw error;
      const again = this.cache.get(requestId);
      if (again !== undefined && again !== shared) return again;
      const pending = this.fetch(info, requestId, entry, signal);
      this.remember(requestId, pending);
      return pending;
    });
  }

  private remember(requestId: string, pending: Promise<ParsedFrame[] | undefined>): void {
    this.cache.set(requestId, pending);
    // A cancelled lookup says nothing about the logs: let the next caller try again.
    pending.catch(() => this.cache.delete(requestId));
    if (this.cache.size > MAX_CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  private async fetch(info: InvocationInfo, requestId: string, entry: FunctionEntry | undefined, signal: AbortSignal): Promise<ParsedFrame[] | undefined> {
    const connection = await this.connections.get();
    const groups = logGroupCandidates({ ...info, ...(info.functionName === undefined && entry?.functionName !== undefined ? { functionName: entry.functionName } : {}) }, entry?.logGroup);
    for (const logGroup of groups) {
      try {
        const found = await connection.findInvocationError({ logGroup, requestId, start: info.startEpochMs - WINDOW_MARGIN_MS, end: info.endEpochMs + WINDOW_MARGIN_MS }, signal);
        if (found !== undefined) {
          this.log.debug(`invocation ${requestId}: error line found in ${logGroup} with ${found.frames.length} frames`);
          return found.frames;
        }
      } catch (error) {
        if (signal.aborted) throw error;
        // Reading logs is optional: without it, resolution still works, only less precisely.
        this.log.info(`invocation ${requestId}: no log evidence from ${logGroup} (${describe(error)})`);
        return undefined;
      }
    }
    this.log.debug(`invocation ${requestId}: no error line in ${groups.join(', ') || '(no log group known)'}`);
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
