import * as vscode from 'vscode';
import { firstFailingSpan } from '../../core/failureSite';
import { chooseFunction, parsePastedStack } from '../source/pastedStack';
import { StackDocuments } from '../source/stackDocument';
import { COMMANDS } from './commandIds';
import { traceIdArgument } from './openTraceCommand';
import { UserFacingError } from './commandRunner';
import type { IDisposable } from '../lifecycle';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { SourceNavigator } from '../source/sourceNavigator';
import type { TraceSources } from '../timeline/traceSources';
import type { CommandRunner } from './commandRunner';

/** How long "Go to source" may take (trace fetch, logs lookup, map loads) before it gives up. */
const GO_TO_SOURCE_TIMEOUT_MS = 60_000;

export interface SourceCommandDeps {
  runner: CommandRunner;
  projectIndex: ProjectIndexService;
  /** Shared with the Problems view and owned by the caller. */
  navigator: SourceNavigator;
  /** Local store first, then AWS. */
  traces: Pick<TraceSources, 'load'>;
}

/**
 * Jump to source: "Go to source" for a failing span (from the timeline, with a trace id and a
 * span id) and "Resolve Stack Trace from Clipboard". Returns everything it created, owned by the
 * caller; the services stay idle (no index scan, no AWS call) until a command runs.
 */
export function registerSourceCommands(deps: SourceCommandDeps): IDisposable[] {
  const { navigator } = deps;
  const documents = new StackDocuments();
  return [
    documents,
    deps.runner.register(COMMANDS.goToSource, (traceArg: unknown, spanArg: unknown, frameArg: unknown) => goToSource(deps.traces, navigator, traceArg, spanArg, frameArg)),
    deps.runner.register(COMMANDS.resolveStackTrace, () => resolveStackTrace(deps.projectIndex, navigator, documents)),
  ];
}

/**
 * `serverlessLens.goToSource(traceId, spanId?, frame?: { exceptionIndex, frameIndex })`: without
 * a span, the trace's first failing span; with a frame, that frame of the span's exception.
 */
async function goToSource(traces: Pick<TraceSources, 'load'>, navigator: SourceNavigator, traceArg: unknown, spanArg: unknown, frameArg: unknown): Promise<void> {
  const traceId = traceIdArgument(traceArg);
  if (traceId === undefined) throw new UserFacingError('Go to Source needs a trace: use it from a failing span in the trace timeline.');
  // Checked before the trace loads: a frame the caller meant but got wrong must not become a
  // plain "go to the line that threw", which would open a line the user did not ask for.
  const frame = frameArgument(frameArg);
  const signal = AbortSignal.timeout(GO_TO_SOURCE_TIMEOUT_MS);
  const { trace } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Serverless Lens: finding the source' }, () => traces.load(traceId, signal));
  const spanId = typeof spanArg === 'string' && spanArg !== '' ? spanArg : firstFailingSpan(trace)?.id;
  if (spanId === undefined) throw new UserFacingError(`Trace ${traceId} has no failing span.`);
  if (!trace.spans.some((span) => span.id === spanId)) throw new UserFacingError(`Span ${spanId} is not in trace ${traceId}.`);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Serverless Lens: resolving the stack' }, async () => {
    if (frame !== undefined) await navigator.openFrame(trace, spanId, frame.exceptionIndex, frame.frameIndex, signal);
    else await navigator.goToSource(trace, spanId, signal);
  });
}

/**
 * `{ exceptionIndex, frameIndex }` of non-negative integers, or undefined when the argument is
 * absent (no frame: the line that threw). Arguments are untrusted; anything else is refused.
 */
function frameArgument(arg: unknown): { exceptionIndex: number; frameIndex: number } | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'object' && arg !== null) {
    const { exceptionIndex, frameIndex } = arg as { exceptionIndex?: unknown; frameIndex?: unknown };
    const valid = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
    if (valid(exceptionIndex) && valid(frameIndex)) return { exceptionIndex, frameIndex };
  }
  throw new UserFacingError('Go to Source was given a stack frame it cannot read (it needs { exceptionIndex, frameIndex } as non-negative integers). Use the frame links in the trace timeline.');
}

/** Returns the URI of the document it opened (the extension's tests read its links). */
async function resolveStackTrace(index: ProjectIndexService, navigator: SourceNavigator, documents: StackDocuments): Promise<vscode.Uri | undefined> {
  const stack = parsePastedStack(await vscode.env.clipboard.readText()) ?? selectionStack();
  if (stack === undefined) {
    throw new UserFacingError('The clipboard holds no stack trace. Copy a Node.js stack, an "Invoke Error" log line or a Python traceback (or select one in an editor) and run the command again.');
  }
  const choice = await chooseFunction(index, stack.frames);
  if (choice === 'cancelled') return undefined;
  const frames = await navigator.resolveStack(stack.frames, choice.entry);
  const title = stack.errorType !== undefined ? `${stack.errorType}: ${stack.message ?? ''}` : (stack.message ?? 'Stack trace');
  const functionLabel = choice.entry !== undefined ? (choice.entry.functionName ?? choice.entry.logicalId) : undefined;
  return documents.show({ title, frames, ...(functionLabel !== undefined ? { functionLabel } : {}) });
}

function selectionStack(): ReturnType<typeof parsePastedStack> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.selection.isEmpty) return undefined;
  return parsePastedStack(editor.document.getText(editor.selection));
}
