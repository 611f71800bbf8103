/**
 * The markdown of the inline error mark's hover. Pure (no `vscode`), so the escaping of hostile
 * trace content is unit-tested in Node; `errorDecoration.ts` wraps it in a `MarkdownString` that
 * trusts only {@link OPEN_TRACE_COMMAND}.
 */
import { COMMANDS } from '../commands/commandIds';
import type { FrameResolution } from '../../local/frameResolver';

/** The one command the hover may run. */
export const OPEN_TRACE_COMMAND = COMMANDS.openTrace;

export interface ErrorHoverInput {
  /** `TypeError: Cannot read properties of undefined (reading 'x')`: from the trace, untrusted. */
  title: string;
  frames: readonly FrameResolution[];
  traceId: string;
}

/** Workspace-relative form of a resolved file (the host passes `workspace.asRelativePath`). */
export type RelativePath = (file: string) => string;

/**
 * Exception type and message, frame labels and paths all come from the trace (that is, from
 * whoever made the function throw): the title is escaped as markdown text, the stack goes into
 * a code block its content cannot close, and the only link is ours, with an argument we encoded.
 */
export function errorHoverMarkdown(input: ErrorHoverInput, relativePath: RelativePath): string {
  const title = escapeMarkdownText(input.title.replace(/\s+/g, ' ').trim());
  const stack = input.frames.length > 0 ? codeBlock(stackText(input.frames, relativePath)) : '';
  return `**Serverless Lens** · ${title}\n\n${stack}${openTraceLink(input.traceId)}`;
}

/**
 * Backslash-escapes every ASCII punctuation character (CommonMark allows it for all of them), so
 * no link, image, emphasis, HTML tag or comment, entity, autolink or `$(icon)` survives.
 */
export function escapeMarkdownText(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * A fenced block whose fence is longer than any run of backticks in the text: a fence closes
 * only on a run at least as long, so the content stays code, byte for byte.
 */
export function codeBlock(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}\n\n`;
}

/** `command:` URIs carry JSON arguments; parentheses and quotes are encoded too, so the link's destination and title stay intact. */
export function openTraceLink(traceId: string): string {
  const args = encodeURIComponent(JSON.stringify([traceId])).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[Open trace](command:${OPEN_TRACE_COMMAND}?${args} "Open the trace in the timeline")`;
}

/** One line per frame: where it ran, and where that is in the workspace. */
export function stackText(frames: readonly FrameResolution[], relativePath: RelativePath): string {
  return frames.map((result) => frameText(result, relativePath)).join('\n');
}

function frameText(result: FrameResolution, relativePath: RelativePath): string {
  const { frame } = result;
  const position = `${frame.line !== undefined ? `:${frame.line}` : ''}${frame.column !== undefined ? `:${frame.column}` : ''}`;
  const at = `${frame.label ? `${frame.label} ` : ''}(${frame.path}${position})`;
  if (result.skipped === 'runtime') return `  at ${at}  [runtime]`;
  if (!result.resolved) return `  at ${at}  [unresolved]`;
  const { file, line, column, guess } = result.resolved;
  return `  at ${at}\n     → ${relativePath(file)}:${line}${column !== undefined ? `:${column}` : ''}${guess ? ' (guess)' : ''}`;
}
