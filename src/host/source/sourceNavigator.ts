import * as vscode from 'vscode';
import { failureExceptions, invocationOf } from '../../core/failureSite';
import { isInside } from '../../core/pathMapping';
import { framesFromXRayException } from '../../core/stackFrames';
import { resolveFrames } from '../../local/frameResolver';
import { SourceMapStore } from '../../local/sourceMapStore';
import { UserFacingError } from '../commands/commandRunner';
import { Disposable } from '../lifecycle';
import { ErrorDecoration } from './errorDecoration';
import { handlerExportLine } from './handlerLocation';
import { ResolutionContextFactory } from './resolutionContext';
import type { InvocationInfo } from '../../core/failureSite';
import type { ParsedFrame } from '../../core/stackFrames';
import type { FrameResolution } from '../../local/frameResolver';
import type { FunctionEntry } from '../../shared/projectModel';
import type { SpanException, Trace } from '../../shared/traceModel';
import type { Config } from '../config';
import type { ComponentLogger } from '../logger';
import type { InvocationEvidence } from './invocationEvidence';
import type { ProjectIndexService } from './projectIndexService';

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

interface ResolvedException {
  exception: SpanException;
  /** The X-Ray frames, resolved with the log stack as evidence. */
  frames: FrameResolution[];
  entry: FunctionEntry | undefined;
  invocation: InvocationInfo | undefined;
  /** The invocation's log stack (with columns), when it could be read. */
  evidence: ParsedFrame[] | undefined;
}

export interface SourceNavigatorOptions {
  index: ProjectIndexService;
  evidence: InvocationEvidence;
  config: Config;
  log: ComponentLogger;
  /**
   * For a trace of the local receivers: its invocation's log stack from the local log records
   * (`{ frames: undefined }` when there is none). Undefined for AWS traces, whose evidence comes
   * from CloudWatch; a local trace never causes an AWS call.
   */
  localEvidence?: (trace: Trace, requestId: string | undefined) => { frames: ParsedFrame[] | undefined } | undefined;
}

/**
 * From a failing span to the line of the user's code that threw: the span's exceptions, the
 * function that ran them (through the project index to its build output and source maps), the
 * invocation's log stack as evidence for X-Ray's column-less frames, then the editor.
 */
export class SourceNavigator extends Disposable {
  private readonly contexts: ResolutionContextFactory;
  private readonly decoration = this._register(new ErrorDecoration());

  constructor(private readonly options: SourceNavigatorOptions) {
    super();
    this.contexts = new ResolutionContextFactory(new SourceMapStore({ recheckAfterMs: 1000 }), options.index, options.config);
  }

  /** Resolves the span's first exception (or the one at `exceptionIndex`); undefined when the span recorded none. */
  async resolveFailure(trace: Trace, spanId: string, signal: AbortSignal, exceptionIndex = 0): Promise<ResolvedFailure | undefined> {
    const resolved = await this.resolveException(trace, spanId, exceptionIndex, signal);
    if (!resolved) return undefined;
    let frames = resolved.frames;
    // ESM frames reach X-Ray without a path ("file"); the log stack of the request has them all.
    if (primaryOf(frames) === undefined && resolved.evidence !== undefined && resolved.evidence.length > 0) {
      frames = await resolveFrames(resolved.evidence, await this.contexts.create(resolved.entry));
    }
    return this.describe(resolved.exception, frames, resolved.entry, resolved.invocation);
  }

  private async resolveException(trace: Trace, spanId: string, exceptionIndex: number, signal: AbortSignal): Promise<ResolvedException | undefined> {
    const failure = failureExceptions(trace, spanId);
    const exception = failure?.exceptions[exceptionIndex];
    if (!failure || !exception) return undefined;
    await this.options.index.ready();
    const invocation = invocationOf(trace, failure.span.id) ?? invocationOf(trace, spanId);
    const entry = this.functionEntry(invocation);
    const local = invocation !== undefined ? this.options.localEvidence?.(trace, invocation.requestId) : undefined;
    const evidence = local !== undefined ? local.frames : invocation !== undefined ? await this.evidence(invocation, entry, signal) : undefined;
    const frames = await resolveFrames(framesFromXRayException(exception), await this.contexts.create(entry, evidence));
    return { exception, frames, entry, invocation, evidence };
  }

  /** Resolves a stack that came from elsewhere (pasted text) for the function that owns it. */
  async resolveStack(frames: readonly ParsedFrame[], entry: FunctionEntry | undefined): Promise<FrameResolution[]> {
    return resolveFrames(frames, await this.contexts.create(entry));
  }

  /** Opens the line that threw (or the handler, saying why) and marks it. */
  async goToSource(trace: Trace, spanId: string, signal: AbortSignal): Promise<ResolvedFailure> {
    const failure = await this.resolveFailure(trace, spanId, signal);
    if (!failure) throw new UserFacingError('This span recorded no exception to go to.');
    const title = `${failure.exception.type}: ${failure.exception.message}`;
    if (failure.primary) {
      const editor = await this.open(failure.primary.file, failure.primary.line);
      this.decoration.show({ uri: editor.document.uri, line: failure.primary.line - 1, title, frames: failure.frames, traceId: trace.id });
      if (failure.primary.guess) vscode.window.setStatusBarMessage(`$(question) Serverless Lens guessed this line: ${failure.primary.reason ?? 'several lines were possible'}`, 8000);
      return failure;
    }
    if (failure.fallback) {
      const line = await handlerExportLine(failure.fallback.handlerFile, this.handlerExportName(trace, spanId));
      await this.open(failure.fallback.handlerFile, line);
      // Non-modal and not awaited: the editor is already where the user can act.
      void vscode.window.showInformationMessage(`Opened the function's handler: ${failure.fallback.why}`);
      return failure;
    }
    throw new UserFacingError(`Could not find the source of ${title}: ${failure.why ?? 'no frame resolved'}.`);
  }

  /**
   * Opens one frame of the span's exception; `frameIndex` indexes the exception's X-Ray `stack`
   * as recorded. A guessed position says so in the status bar.
   */
  async openFrame(trace: Trace, spanId: string, exceptionIndex: number, frameIndex: number, signal: AbortSignal): Promise<void> {
    const resolved = await this.resolveException(trace, spanId, exceptionIndex, signal);
    const parsedIndex = resolved ? parsedFrameIndex(resolved.exception, frameIndex) : undefined;
    let result = parsedIndex !== undefined ? resolved?.frames[parsedIndex] : undefined;
    // The X-Ray SDK copies the error's own stack, so the log frame at the same index is the same call.
    const logFrame = parsedIndex !== undefined ? resolved?.evidence?.[parsedIndex] : undefined;
    if (resolved && result?.resolved === undefined && logFrame !== undefined) {
      result = (await resolveFrames([logFrame], await this.contexts.create(resolved.entry)))[0] ?? result;
    }
    await this.openResolution(result);
  }

  /**
   * Opens frame `frameIndex` of a stack read from a log line (frames with columns), resolved for
   * the function of `functionSpanId`'s invocation, as `openFrame` opens an X-Ray frame.
   */
  async openStackFrame(trace: Trace, functionSpanId: string | undefined, frames: readonly ParsedFrame[], frameIndex: number): Promise<void> {
    if (frames[frameIndex] === undefined) throw new UserFacingError('That stack frame has no path to open.');
    await this.options.index.ready();
    const entry = functionSpanId !== undefined ? this.functionEntry(invocationOf(trace, functionSpanId)) : undefined;
    // The whole stack, as "Resolve Stack Trace" does: a frame's neighbours are its evidence.
    const resolved = await resolveFrames(frames, await this.contexts.create(entry));
    await this.openResolution(resolved[frameIndex]);
  }

  /** Opens a resolved frame, or says why it cannot; a guessed position says so in the status bar. */
  private async openResolution(result: FrameResolution | undefined): Promise<void> {
    if (!result) throw new UserFacingError('That stack frame has no path to open.');
    if (!result.resolved) throw new UserFacingError(`This frame does not resolve to a workspace file: ${result.why ?? 'runtime or library code'}.`);
    await this.open(result.resolved.file, result.resolved.line);
    const where = `${vscode.workspace.asRelativePath(result.resolved.file)}:${result.resolved.line}`;
    vscode.window.setStatusBarMessage(result.resolved.guess ? `$(question) ${where} is a guess: ${result.resolved.reason ?? 'several lines were possible'}` : `$(go-to-file) ${where}`, 6000);
  }

  /** The mark "Go to source" left, for the extension's own tests. */
  currentMark(): { uri: string; line: number; title: string } | undefined {
    const mark = this.decoration.mark;
    return mark ? { uri: mark.uri.toString(), line: mark.line, title: mark.title } : undefined;
  }

  /** Opens a workspace file with the line selected and centred; refuses anything outside the workspace folders. */
  async open(file: string, line: number): Promise<vscode.TextEditor> {
    // frameResolver already checked; a second check here keeps the editor safe from any caller.
    if (!isInside(file, this.options.index.folders())) throw new UserFacingError(`Serverless Lens does not open files outside the workspace folders (${file}).`);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const text = document.lineAt(Math.min(Math.max(line - 1, 0), document.lineCount - 1));
    // The whole statement, not the mapped column: minified columns often land mid-expression.
    const selection = new vscode.Selection(text.lineNumber, text.firstNonWhitespaceCharacterIndex, text.lineNumber, text.range.end.character);
    const editor = await vscode.window.showTextDocument(document, { selection, preview: true });
    editor.revealRange(text.range, vscode.TextEditorRevealType.InCenter);
    return editor;
  }

  private functionEntry(invocation: InvocationInfo | undefined): FunctionEntry | undefined {
    for (const key of invocation?.functionKeys ?? []) {
      const entry = this.options.index.findFunction(key);
      if (entry) return entry;
    }
    return undefined;
  }

  private handlerExportName(trace: Trace, spanId: string): string | undefined {
    return this.functionEntry(invocationOf(trace, spanId))?.handlerExport;
  }

  private async evidence(invocation: InvocationInfo, entry: FunctionEntry | undefined, signal: AbortSignal): Promise<ParsedFrame[] | undefined> {
    try {
      return await this.options.evidence.framesFor(invocation, entry, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      this.options.log.info(`resolving without log evidence: ${String(error)}`);
      return undefined;
    }
  }

  private describe(exception: SpanException, frames: FrameResolution[], entry: FunctionEntry | undefined, invocation: InvocationInfo | undefined): ResolvedFailure {
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
}

/** Index among `framesFromXRayException` of the stack entry at `stackIndex`, if that entry has a path. */
function parsedFrameIndex(exception: SpanException, stackIndex: number): number | undefined {
  if (stackIndex < 0 || stackIndex >= exception.stack.length) return undefined;
  const before = framesFromXRayException({ ...exception, stack: exception.stack.slice(0, stackIndex) }).length;
  const through = framesFromXRayException({ ...exception, stack: exception.stack.slice(0, stackIndex + 1) }).length;
  return through > before ? before : undefined;
}

/** The innermost resolved frame of the user's own code. */
function primaryOf(frames: readonly FrameResolution[]): SourceLocation | undefined {
  const hit = frames.find((result) => !result.frame.isRuntime && result.resolved !== undefined)?.resolved;
  if (!hit) return undefined;
  const location: SourceLocation = { file: hit.file, line: hit.line, guess: hit.guess };
  if (hit.column !== undefined) location.column = hit.column;
  if (hit.reason !== undefined) location.reason = hit.reason;
  return location;
}

function whyUnresolved(frames: readonly FrameResolution[], entry: FunctionEntry | undefined, invocation: InvocationInfo | undefined): string {
  if (frames.length === 0) return 'the exception has no stack frames';
  if (frames.every((result) => result.frame.isRuntime)) return 'every frame is in runtime or library code';
  if (entry === undefined) return `the function ${invocation?.functionName ?? '(unnamed)'} is not in the workspace's templates`;
  const first = frames.find((result) => !result.frame.isRuntime);
  return `no frame of your code resolved (${first?.why ?? 'unknown reason'})`;
}
