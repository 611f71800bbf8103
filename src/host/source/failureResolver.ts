/**
 * The resolution half of "Go to source", without `vscode` (so plain-Node tests run the very code
 * the extension runs): a failing span's exceptions, the function that ran them (project index →
 * build output and source maps), the invocation's `Invoke Error` stack as evidence for frames
 * without a column, and the innermost frame of the user's code. `SourceNavigator` owns one and
 * adds the editor. Frames are resolved best first: an exact (line, column) mapping when the frame
 * has a column (OpenTelemetry), else the log stack's columns, else the frame's label (a guess).
 */
import { failureExceptions, invocationOf } from '../../core/failureSite';
import { framesFromXRayException } from '../../core/stackFrames';
import { resolveFrames } from '../../local/frameResolver';
import type { InvocationInfo } from '../../core/failureSite';
import type { ParsedFrame } from '../../core/stackFrames';
import type { FrameResolution, FrameResolverContext } from '../../local/frameResolver';
import type { FunctionEntry } from '../../shared/projectModel';
import type { SpanException, Trace } from '../../shared/traceModel';

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when known. */
  column?: number;
  guess: boolean;
  reason?: string;
}

export interface ResolvedFailure {
  exception: { type: string; message: string };
  /** Innermost first. */
  frames: FrameResolution[];
  /** The innermost frame of the user's own code that resolved. */
  primary?: SourceLocation;
  /** Set when no frame resolved: the function's handler, and why nothing better was found. */
  fallback?: { handlerFile: string; why: string };
  /** Why there is neither a primary location nor a fallback. */
  why?: string;
}

export interface ResolvedException {
  exception: SpanException;
  /** The X-Ray frames, resolved with the log stack as evidence. */
  frames: FrameResolution[];
  entry: FunctionEntry | undefined;
  invocation: InvocationInfo | undefined;
  /** The invocation's log stack (with columns), when it could be read. */
  evidence: ParsedFrame[] | undefined;
}

/** Evidence for a local trace: `{ frames: undefined }` when its logs hold none (never asks AWS). */
export type LocalEvidenceLookup = (trace: Trace, invocation: InvocationInfo, signal: AbortSignal) => Promise<{ frames: ParsedFrame[] | undefined } | undefined> | { frames: ParsedFrame[] | undefined } | undefined;

export interface FailureResolverDeps {
  /** The project index (`ProjectIndexService` in the extension, `local/projectIndex.ts` in tests). */
  index: { ready(): Promise<void>; findFunction(nameOrArn: string): FunctionEntry | undefined };
  /** Builds the resolver context of a function (`resolutionContext.ts`). */
  contexts: { create(entry: FunctionEntry | undefined, evidenceFrames?: readonly ParsedFrame[]): Promise<FrameResolverContext> };
  /** The invocation's log stack from CloudWatch (AWS traces). Absent: no remote evidence. */
  evidence?: (invocation: InvocationInfo, entry: FunctionEntry | undefined, signal: AbortSignal) => Promise<ParsedFrame[] | undefined>;
  /**
   * For a trace of the local receivers: its invocation's log stack from the local log records.
   * Returns undefined for traces that are not local; a local trace never causes an AWS call.
   */
  localEvidence?: LocalEvidenceLookup;
  log: { info(message: string): void };
}

export class FailureResolver {
  constructor(private readonly deps: FailureResolverDeps) {}

  /** Resolves the span's first exception (or the one at `exceptionIndex`); undefined when the span recorded none. */
  async resolveFailure(trace: Trace, spanId: string, signal: AbortSignal, exceptionIndex = 0): Promise<ResolvedFailure | undefined> {
    const resolved = await this.resolveException(trace, spanId, exceptionIndex, signal);
    if (!resolved) return undefined;
    let frames = resolved.frames;
    // ESM frames reach X-Ray without a path ("file"); the log stack of the request has them all.
    if (primaryOf(frames) === undefined && resolved.evidence !== undefined && resolved.evidence.length > 0) {
      frames = await resolveFrames(resolved.evidence, await this.deps.contexts.create(resolved.entry));
    }
    return describe(resolved.exception, frames, resolved.entry, resolved.invocation);
  }

  async resolveException(trace: Trace, spanId: string, exceptionIndex: number, signal: AbortSignal): Promise<ResolvedException | undefined> {
    const failure = failureExceptions(trace, spanId);
    const exception = failure?.exceptions[exceptionIndex];
    if (!failure || !exception) return undefined;
    await this.deps.index.ready();
    const invocation = invocationOf(trace, failure.span.id) ?? invocationOf(trace, spanId);
    const entry = this.functionEntry(invocation);
    const frames = framesFromXRayException(exception);
    // Frames that all carry a column resolve exactly: no log lookup needed.
    const needsEvidence = frames.some((frame) => !frame.isRuntime && frame.column === undefined);
    const evidence = invocation !== undefined && needsEvidence ? await this.evidence(trace, invocation, entry, signal) : undefined;
    const resolved = await resolveFrames(frames, await this.deps.contexts.create(entry, evidence));
    return { exception, frames: resolved, entry, invocation, evidence };
  }

  /** Resolves a stack that came from elsewhere (pasted text, a log line) for the function that owns it. */
  async resolveStack(frames: readonly ParsedFrame[], entry: FunctionEntry | undefined): Promise<FrameResolution[]> {
    return resolveFrames(frames, await this.deps.contexts.create(entry));
  }

  functionEntry(invocation: InvocationInfo | undefined): FunctionEntry | undefined {
    for (const key of invocation?.functionKeys ?? []) {
      const entry = this.deps.index.findFunction(key);
      if (entry) return entry;
    }
    return undefined;
  }

  private async evidence(trace: Trace, invocation: InvocationInfo, entry: FunctionEntry | undefined, signal: AbortSignal): Promise<ParsedFrame[] | undefined> {
    const local = await this.deps.localEvidence?.(trace, invocation, signal);
    if (local !== undefined) return local.frames;
    if (this.deps.evidence === undefined) return undefined;
    try {
      return await this.deps.evidence(invocation, entry, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      this.deps.log.info(`resolving without log evidence: ${String(error)}`);
      return undefined;
    }
  }
}

/** Index among `framesFromXRayException` of the stack entry at `stackIndex`, if that entry has a path. */
export function parsedFrameIndex(exception: SpanException, stackIndex: number): number | undefined {
  if (stackIndex < 0 || stackIndex >= exception.stack.length) return undefined;
  const before = framesFromXRayException({ ...exception, stack: exception.stack.slice(0, stackIndex) }).length;
  const through = framesFromXRayException({ ...exception, stack: exception.stack.slice(0, stackIndex + 1) }).length;
  return through > before ? before : undefined;
}

/** The innermost resolved frame of the user's own code. */
export function primaryOf(frames: readonly FrameResolution[]): SourceLocation | undefined {
  const hit = frames.find((result) => !result.frame.isRuntime && result.resolved !== undefined)?.resolved;
  if (!hit) return undefined;
  const location: SourceLocation = { file: hit.file, line: hit.line, guess: hit.guess };
  if (hit.column !== undefined) location.column = hit.column;
  if (hit.reason !== undefined) location.reason = hit.reason;
  return location;
}

function describe(exception: SpanException, frames: FrameResolution[], entry: FunctionEntry | undefined, invocation: InvocationInfo | undefined): ResolvedFailure {
  const result: ResolvedFailure = { exception: { type: exception.type ?? 'Error', message: exception.message ?? '' }, frames };
  const primary = primaryOf(frames);
  if (primary) {
    result.primary = primary;
    return result;
  }
  const why = whyUnresolved(frames, entry, invocation);
  if (entry?.handlerFile !== undefined) result.fallback = { handlerFile: entry.handlerFile, why };
  else result.why = why;
  return result;
}

function whyUnresolved(frames: readonly FrameResolution[], entry: FunctionEntry | undefined, invocation: InvocationInfo | undefined): string {
  if (frames.length === 0) return 'the exception has no stack frames';
  if (frames.every((result) => result.frame.isRuntime)) return 'every frame is in runtime or library code';
  if (entry === undefined) return `the function ${invocation?.functionName ?? '(unnamed)'} is not in the workspace's templates`;
  const first = frames.find((result) => !result.frame.isRuntime);
  return `no frame of your code resolved (${first?.why ?? 'unknown reason'})`;
}
