import * as vscode from 'vscode';
import { COMMANDS } from '../commands/commandIds';
import { COLD_START_MARK, formatAgo, formatDuration, statusWord, truncate } from './traceFormat';
import type { SpanStatus, TraceSummary } from '../../shared/traceModel';

/** A trace in the Traces view. The object stays the same while the row lives (tree identity). */
export interface TraceRow {
  readonly kind: 'trace';
  readonly summary: TraceSummary;
  /** From the built trace once fetched; until then what the summary says, if anything. */
  coldStart: boolean | undefined;
  /** Whether the full trace has been read (the cold-start mark is then final). */
  detail: 'pending' | 'loaded' | 'unavailable';
  /** Set for traces of the local receivers (their tree ids and menus differ from AWS rows). */
  readonly source?: 'local';
}

/** The last row while the search has more pages. */
export interface LoadMoreRow {
  readonly kind: 'loadMore';
  loading: boolean;
}

/**
 * A top-level group ("Local", "AWS") shown when local traces are in play; without them the view
 * lists AWS rows at the top level, as it always did.
 */
export interface SourceGroupNode {
  readonly kind: 'source';
  readonly source: 'local' | 'aws';
  label: string;
  description: string;
  /** Plain-text tooltip lines (trace content never goes in as markdown). */
  tooltip: string[];
  contextValue: string;
}

/** A one-line state inside a group (loading, no credentials, nothing matches), with its fix. */
export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  text: string;
  icon: string;
  command?: vscode.Command;
}

export type TracesNode = TraceRow | LoadMoreRow | SourceGroupNode | MessageNode;


const STATUS_ICONS: Record<SpanStatus, { icon: string; color: string }> = {
  ok: { icon: 'pass', color: 'serverlessLens.status.ok' },
  error: { icon: 'warning', color: 'serverlessLens.status.error' },
  fault: { icon: 'error', color: 'serverlessLens.status.fault' },
  throttle: { icon: 'watch', color: 'serverlessLens.status.throttle' },
};

export function traceRow(summary: TraceSummary): TraceRow {
  return { kind: 'trace', summary, coldStart: summary.coldStart, detail: 'pending' };
}

/** A row of a local trace: the store holds the built trace, so it is final at once. */
export function localTraceRow(summary: TraceSummary, coldStart: boolean | undefined): TraceRow {
  return { kind: 'trace', summary, coldStart: coldStart ?? summary.coldStart, detail: 'loaded', source: 'local' };
}

export function traceRowLabel(row: TraceRow): string {
  return row.summary.entryPoint.trim() !== '' ? truncate(row.summary.entryPoint, 120) : row.summary.id;
}

/** `245 ms · ❄ cold start · 4 min ago`. */
export function traceRowDescription(row: TraceRow, nowMs: number): string {
  const parts = [formatDuration(row.summary.durationMs)];
  if (row.coldStart === true) {
    parts.push(COLD_START_MARK);
  }
  parts.push(formatAgo(row.summary.startEpochMs, nowMs));
  return parts.join(' · ');
}

export function statusIcon(status: SpanStatus): vscode.ThemeIcon {
  const { icon, color } = STATUS_ICONS[status];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

export function toTreeItem(node: TracesNode, nowMs: number): vscode.TreeItem {
  switch (node.kind) {
    case 'trace':
      return traceTreeItem(node, nowMs);
    case 'loadMore':
      return loadMoreTreeItem(node);
    case 'source':
      return sourceGroupTreeItem(node);
    case 'message':
      return messageTreeItem(node);
  }
}

function sourceGroupTreeItem(node: SourceGroupNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `serverlessLens.source.${node.source}`;
  item.description = node.description;
  item.iconPath = new vscode.ThemeIcon(node.source === 'local' ? 'radio-tower' : 'cloud');
  item.contextValue = node.contextValue;
  item.tooltip = node.tooltip.join('\n');
  item.accessibilityInformation = { label: `${node.label}, ${node.description}`, role: 'treeitem' };
  return item;
}

function messageTreeItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon(node.icon);
  item.contextValue = 'message';
  if (node.command !== undefined) {
    item.command = node.command;
  }
  return item;
}

function traceTreeItem(row: TraceRow, nowMs: number): vscode.TreeItem {
  const { summary } = row;
  const label = traceRowLabel(row);
  const description = traceRowDescription(row, nowMs);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  // One trace id may be listed under Local and AWS: tree ids must still be unique.
  item.id = row.source === 'local' ? `local:${summary.id}` : summary.id;
  item.description = description;
  item.iconPath = statusIcon(summary.status);
  item.contextValue = row.source === 'local' ? 'localTrace' : 'trace';
  item.tooltip = traceTooltip(row);
  // Icons carry the status visually; screen readers hear it in words.
  item.accessibilityInformation = { label: `${label}, ${statusWord(summary.status)}, ${description}`, role: 'treeitem' };
  item.command = { command: COMMANDS.openTrace, title: 'Open Trace', arguments: [summary.id] };
  return item;
}

function loadMoreTreeItem(row: LoadMoreRow): vscode.TreeItem {
  const item = new vscode.TreeItem(row.loading ? 'Loading more traces…' : 'Load more…', vscode.TreeItemCollapsibleState.None);
  item.id = 'serverlessLens.loadMore';
  item.iconPath = new vscode.ThemeIcon(row.loading ? 'loading~spin' : 'more');
  item.contextValue = 'loadMore';
  if (!row.loading) {
    item.command = { command: COMMANDS.loadMoreTraces, title: 'Load More Traces' };
  }
  return item;
}

/** Trace text comes from the traced application: it goes in as text, never as markdown. */
function traceTooltip(row: TraceRow): vscode.MarkdownString {
  const { summary } = row;
  const tooltip = new vscode.MarkdownString();
  tooltip.supportHtml = false;
  tooltip.isTrusted = false;
  const field = (name: string, value: string): void => {
    tooltip.appendMarkdown(`**${name}:** `);
    tooltip.appendText(value);
    tooltip.appendMarkdown('  \n');
  };
  tooltip.appendMarkdown('**');
  tooltip.appendText(traceRowLabel(row));
  tooltip.appendMarkdown('**\n\n');
  field('Trace ID', summary.id);
  field('Start', new Date(summary.startEpochMs).toISOString());
  field('Duration', formatDuration(summary.durationMs));
  field('Status', statusWord(summary.status) + (summary.http?.status !== undefined ? ` · HTTP ${summary.http.status}` : ''));
  if (row.coldStart !== undefined) {
    field('Cold start', row.coldStart ? 'yes' : 'no');
  }
  if (summary.services.length > 0) {
    field('Services', truncate(summary.services.join(', '), 400));
  }
  const cause = summary.rootCause;
  if (cause !== undefined) {
    const where = [cause.service, cause.entity].filter((part) => part !== undefined && part !== '').join(' › ');
    const what = [cause.exceptionName, cause.message].filter((part) => part !== undefined && part !== '').join(': ');
    field('Root cause', truncate([where, what].filter((part) => part !== '').join(' — '), 400));
  }
  if (summary.isPartial) {
    tooltip.appendMarkdown('\n*Partial trace: some segments have not arrived yet.*');
  }
  return tooltip;
}
