import * as vscode from 'vscode';
import { invocationOf } from '../../core/failureSite';
import { isInside } from '../../core/pathMapping';
import { resolveFrames } from '../../local/frameResolver';
import { SourceMapStore } from '../../local/sourceMapStore';
import { UserFacingError } from '../commands/commandRunner';
import { Disposable } from '../lifecycle';
import { ErrorDecoration } from './errorDecoration';
import { FailureResolver, parsedFrameIndex } from './failureResolver';
import { handlerExportLine } from './handlerLocation';
import { MAX_SOURCE_FILES, ResolutionContextFactory, SOURCE_EXCLUDED, SOURCE_GLOB } from './resolutionContext';
import type { ParsedFrame } from '../../core/stackFrames';
import type { FrameResolution } from '../../local/frameResolver';
import type { FunctionEntry } from '../../shared/projectModel';
import type { Trace } from '../../shared/traceModel';
import type { Config } from '../config';
import type { ComponentLogger } from '../logger';
import type { LocalEvidenceLookup, ResolvedFailure } from './failureResolver';
import type { InvocationEvidence } from './invocationEvidence';
import type { ProjectIndexService } from './projectIndexService';

export type { ResolvedFailure, SourceLocation } from './failureResolver';

export interface SourceNavigatorOptions {
  index: ProjectIndexService;
  evidence: InvocationEvidence;
  config: Config;
  log: ComponentLogger;
  /**
   * For a trace of the local receivers: its invocation's log stack from the local log records
   * (`{ frames: undefined }` when there is none; see `host/local/localEvidence.ts`). Undefined for
   * AWS traces, whose evidence comes from CloudWatch; a local trace never causes an AWS call.
   */
  localEvidence?: LocalEvidenceLookup;
}

/**
 * From a failing span to the line of the user's code that threw, then the editor. The resolution
 * (exceptions, function, source maps, log evidence) is `failureResolver.ts`, which has no
 * `vscode`; this class adds the workspace file list, the editor and the mark.
 */
export class SourceNavigator extends Disposable {
  private readonly contexts: ResolutionContextFactory;
  private readonly resolver: FailureResolver;
  private readonly decoration = this._register(new ErrorDecoration());

  constructor(private readonly options: SourceNavigatorOptions) {
    super();
    this.contexts = new ResolutionContextFactory(new SourceMapStore({ recheckAfterMs: 1000 }), {
      folders: () => options.index.folders(),
      pathMappings: () => options.config.get('source.pathMappings'),
      listSourceFiles: () => vscode.workspace.findFiles(SOURCE_GLOB, SOURCE_EXCLUDED, MAX_SOURCE_FILES).then((uris) => uris.filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath)),
    });
    this.resolver = new FailureResolver({
      index: options.index,
      contexts: this.contexts,
      evidence: (invocation, entry, signal) => options.evidence.framesFor(invocation, entry, signal),
      ...(options.localEvidence === undefined ? {} : { localEvidence: options.localEvidence }),
      log: options.log,
    });
  }

  /** Resolves the span's first exception (or the one at `exceptionIndex`); undefined when the span recorded none. */
  resolveFailure(trace: Trace, spanId: string, signal: AbortSignal, exceptionIndex = 0): Promise<ResolvedFailure | undefined> {
    return this.resolver.resolveFailure(trace, spanId, signal, exceptionIndex);
  }

  /** Resolves a stack that came from elsewhere (pasted text) for the function that owns it. */
  resolveStack(frames: readonly ParsedFrame[], entry: FunctionEntry | undefined): Promise<FrameResolution[]> {
    return this.resolver.resolveStack(frames, entry);
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
    const resolved = await this.resolver.resolveException(trace, spanId, exceptionIndex, signal);
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
    const entry = functionSpanId !== undefined ? this.resolver.functionEntry(invocationOf(trace, functionSpanId)) : undefined;
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

  private handlerExportName(trace: Trace, spanId: string): string | undefined {
    return this.resolver.functionEntry(invocationOf(trace, spanId))?.handlerExport;
  }
}
