import { invocationsOf, summarizeInvocations } from '../../core/functionStats';
import type { FunctionStats, Invocation } from '../../core/functionStats';
import type { FunctionEntry, ProjectIndexSnapshot } from '../../shared/projectModel';
import type { Trace } from '../../shared/traceModel';
import type { Event } from 'vscode';

/** What the insights need from the project index (`host/source/projectIndexService.ts` provides it). */
export interface HandlerIndex {
  /** Resolves once the first scan of the workspace is done. */
  ready(): Promise<void>;
  snapshot(): ProjectIndexSnapshot;
  /** The project function a deployed name or ARN belongs to, if any. */
  findFunction(nameOrArn: string): FunctionEntry | undefined;
  readonly onDidChange: Event<void>;
}

export interface HandlerFunctionStats {
  /** Undefined when no cached trace has an invocation of this function. */
  stats?: FunctionStats;
  /** The deployed name the newest invocation ran under (generated names are only known from traces). */
  deployedName?: string;
}

/** How many traces to scan between looks at the cancellation flag. */
const CANCEL_CHECK_EVERY = 100;

/**
 * Statistics of a project function over the cached traces. The parsing of each trace is kept per
 * trace object and the name → function matching per name, so resolving every lens of a file
 * after a new trace arrives costs one pass over invocations, not a rebuild.
 */
export class HandlerStats {
  private readonly invocations = new WeakMap<Trace, Invocation[]>();
  private readonly entryOfName = new Map<string, string | undefined>();
  private readonly byEntry = new Map<string, HandlerFunctionStats>();

  constructor(
    private readonly traces: () => Trace[],
    private readonly index: HandlerIndex,
  ) {}

  /** New traces, or traces gone: results are computed again on the next request. */
  tracesChanged(): void {
    this.byEntry.clear();
  }

  /** The index changed: a name may now belong to another function. */
  indexChanged(): void {
    this.entryOfName.clear();
    this.byEntry.clear();
  }

  /** The stats of `entry`, or undefined when `isCancelled()` turned true on the way. */
  forEntry(entry: FunctionEntry, isCancelled: () => boolean): HandlerFunctionStats | undefined {
    const cached = this.byEntry.get(entry.id);
    if (cached !== undefined) return cached;
    const mine: Invocation[] = [];
    const traces = this.traces();
    for (let i = 0; i < traces.length; i += 1) {
      if (i % CANCEL_CHECK_EVERY === 0 && isCancelled()) return undefined;
      for (const invocation of this.invocationsOf(traces[i] as Trace)) {
        if (this.entryIdOf(invocation.functionName) === entry.id) mine.push(invocation);
      }
    }
    const result = summarize(mine);
    this.byEntry.set(entry.id, result);
    return result;
  }

  private invocationsOf(trace: Trace): Invocation[] {
    let list = this.invocations.get(trace);
    if (list === undefined) {
      list = invocationsOf(trace);
      this.invocations.set(trace, list);
    }
    return list;
  }

  private entryIdOf(functionName: string): string | undefined {
    if (!this.entryOfName.has(functionName)) this.entryOfName.set(functionName, this.index.findFunction(functionName)?.id);
    return this.entryOfName.get(functionName);
  }
}

function summarize(invocations: readonly Invocation[]): HandlerFunctionStats {
  if (invocations.length === 0) return {};
  const newest = invocations.reduce((a, b) => (b.startEpochMs > a.startEpochMs ? b : a));
  // Under one project function there is normally one deployed name; name the stats after the newest.
  return { stats: summarizeInvocations(newest.functionName, invocations), deployedName: newest.functionName };
}
