/**
 * Resolves the stacks tailed lines carry to workspace lines, through the same `SourceNavigator`
 * "Go to source" uses (one source-map cache). A storm repeats the same stack thousands of times:
 * results (and resolutions in flight) are shared per function and stack, and at most one
 * resolution runs at a time so a burst of distinct stacks cannot flood the extension host.
 */
import { stackKey } from '../../core/tailInsightText';
import { Disposable, toDisposable } from '../lifecycle';
import type { ParsedFrame } from '../../core/stackFrames';
import type { FrameResolution } from '../../local/frameResolver';
import type { FunctionEntry } from '../../shared/projectModel';
import type { ComponentLogger } from '../logger';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { SourceLocation, SourceNavigator } from '../source/sourceNavigator';

export interface StackResolution {
  frames: FrameResolution[];
  /** The innermost frame of the user's own code that resolved. */
  top?: SourceLocation;
}

/** Results kept; older stacks resolve again when they come back. */
const MAX_CACHED = 64;
/** Stacks waiting to resolve; beyond this the newest wins and the oldest is given up. */
const MAX_QUEUED = 16;

type Navigator = Pick<SourceNavigator, 'resolveStack'>;
type Index = Pick<ProjectIndexService, 'ready' | 'snapshot' | 'findFunction' | 'onDidChange'>;

interface Job {
  key: string;
  functionName: string | undefined;
  projectFunctionId: string | undefined;
  frames: readonly ParsedFrame[];
  settle: (value: StackResolution | undefined) => void;
}

export class TailStackResolver extends Disposable {
  private readonly cache = new Map<string, Promise<StackResolution | undefined>>();
  private readonly queue: Job[] = [];
  private running = false;

  constructor(
    private readonly navigator: Navigator,
    private readonly index: Index,
    private readonly log: ComponentLogger,
  ) {
    super();
    // A rebuild may move files or maps: resolve again.
    this._register(index.onDidChange(() => this.cache.clear()));
    this._register(toDisposable(() => this.clear()));
  }

  /** Resolves `frames` (innermost first) for the tailed function; undefined when it cannot. Never rejects. */
  resolve(functionName: string | undefined, frames: readonly ParsedFrame[], projectFunctionId?: string): Promise<StackResolution | undefined> {
    if (this.isDisposed || !frames.some((frame) => !frame.isRuntime)) return Promise.resolve(undefined);
    const key = stackKey(functionName, frames);
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      // Most recently used last, so the oldest is evicted first.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const result = new Promise<StackResolution | undefined>((settle) => {
      this.queue.push({ key, functionName, projectFunctionId, frames, settle });
      while (this.queue.length > MAX_QUEUED) this.giveUp(this.queue.shift());
    });
    this.cache.set(key, result);
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    void this.drain();
    return result;
  }

  /** The project function a tailed function is (by the tail's index id, else by deployed name). */
  entryOf(functionName: string | undefined, projectFunctionId?: string): FunctionEntry | undefined {
    if (projectFunctionId !== undefined) {
      const byId = this.index.snapshot().functions.find((entry) => entry.id === projectFunctionId);
      if (byId !== undefined) return byId;
    }
    return functionName !== undefined ? this.index.findFunction(functionName) : undefined;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) {
        job.settle(await this.run(job));
      }
    } finally {
      this.running = false;
    }
  }

  private async run(job: Job): Promise<StackResolution | undefined> {
    try {
      await this.index.ready();
      const frames = await this.navigator.resolveStack(job.frames, this.entryOf(job.functionName, job.projectFunctionId));
      const hit = frames.find((result) => !result.frame.isRuntime && result.resolved !== undefined)?.resolved;
      if (hit === undefined) return { frames };
      const top: SourceLocation = { file: hit.file, line: hit.line, guess: hit.guess };
      if (hit.column !== undefined) top.column = hit.column;
      if (hit.reason !== undefined) top.reason = hit.reason;
      return { frames, top };
    } catch (error) {
      this.log.warn(`could not resolve a tailed stack of ${job.functionName ?? 'an unknown function'}: ${String(error)}`);
      return undefined;
    }
  }

  /** A stack dropped from the queue is not a result: the next time it comes, it resolves. */
  private giveUp(job: Job | undefined): void {
    if (job === undefined) return;
    this.cache.delete(job.key);
    job.settle(undefined);
  }

  private clear(): void {
    for (const job of this.queue.splice(0)) this.giveUp(job);
    this.cache.clear();
  }
}
