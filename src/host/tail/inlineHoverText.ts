/**
 * The markdown of the tail's editor hovers: the inline result at a handler (the invocation's log
 * lines) and the mark at a tailed stack's line. Pure (no `vscode`), so the escaping of hostile log
 * text is unit-tested in Node. Log lines are whatever the function printed: they go into a code
 * block their content cannot close, titles are escaped as text, and the only links are our own
 * commands with arguments we encoded.
 */
import { formatInvocationResult } from '../../core/invocationFacts';
import { oneLine } from '../../core/tailInsightText';
import { codeBlock, escapeMarkdownText, openTraceLink, stackText } from '../source/errorHoverText';
import type { TailInvocation, TailLineRef } from '../../core/tailInvocations';
import type { FrameResolution } from '../../local/frameResolver';
import type { RelativePath } from '../source/errorHoverText';

/** The hover's "Show in tail" command (registered by `registerTailInsights`). */
export const REVEAL_TAIL_LINE_COMMAND = 'serverlessLens.revealTailLine';

/** Longest log line shown in a hover; the tail view has the whole line. */
const MAX_LINE_CHARS = 400;

export function commandArgs(args: unknown[]): string {
  return encodeURIComponent(JSON.stringify(args)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function revealLineLink(ref: TailLineRef, label = 'Show in tail'): string {
  return `[${escapeMarkdownText(label)}](command:${REVEAL_TAIL_LINE_COMMAND}?${commandArgs([ref.sessionId, ref.seq])} "Select the line in the tail view")`;
}

function links(traceId: string | undefined, ref: TailLineRef): string {
  return [traceId !== undefined ? openTraceLink(traceId) : undefined, revealLineLink(ref)].filter((link) => link !== undefined).join(' · ');
}

function facts(invocation: TailInvocation): string {
  const { facts } = invocation;
  const parts = [`request ${escapeMarkdownText(invocation.requestId)}`];
  if (facts.coldStart) parts.push('cold start');
  if (facts.initDurationMs !== undefined) parts.push(`init ${Math.round(facts.initDurationMs)} ms`);
  if (facts.billedDurationMs !== undefined) parts.push(`billed ${Math.round(facts.billedDurationMs)} ms`);
  return parts.join(' · ');
}

function logText(invocation: TailInvocation): string {
  const lines = invocation.lines.map(({ line }) => {
    const text = line.raw.replace(/\r?\n$/, '');
    return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS - 1)}…` : text;
  });
  if (invocation.droppedLines > 0) lines.unshift(`… ${invocation.droppedLines} earlier line(s) in the tail view`);
  return lines.join('\n');
}

/** The inline result's hover: verdict, facts, the log lines, links. */
export function invocationHoverMarkdown(invocation: TailInvocation, now: number): string {
  const title = escapeMarkdownText(oneLine(formatInvocationResult(invocation.facts, now)));
  const header = `**Serverless Lens** · ${escapeMarkdownText(invocation.functionName)} · latest invocation\n\n${title}\n\n${facts(invocation)}\n\n`;
  return `${header}${codeBlock(logText(invocation))}${links(invocation.facts.xrayTraceId, invocation.revealRef)}`;
}

export interface StackMarkHoverInput {
  functionName: string | undefined;
  /** `TypeError: boom`: from the log, untrusted. */
  title: string;
  frames: readonly FrameResolution[];
  traceId?: string;
  ref: TailLineRef;
  /** How many tailed lines pointed here since the mark appeared. */
  hits: number;
}

/** The stack mark's hover: the error, the resolved stack, links. */
export function stackMarkHoverMarkdown(input: StackMarkHoverInput, relativePath: RelativePath): string {
  const where = input.functionName !== undefined ? ` · ${escapeMarkdownText(input.functionName)}` : '';
  const hits = input.hits > 1 ? `\n\n${input.hits} tailed errors pointed at this line` : '';
  const stack = input.frames.length > 0 ? codeBlock(stackText(input.frames, relativePath)) : '';
  return `**Serverless Lens** · tailed error${where}\n\n${escapeMarkdownText(oneLine(input.title))}${hits}\n\n${stack}${links(input.traceId, input.ref)}`;
}
