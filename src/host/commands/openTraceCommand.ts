import * as vscode from 'vscode';
import { parseTraceIdInput } from '../../core/traceIds';
import { UserFacingError } from './commandRunner';
import { TracesTreeProvider } from '../traces/tracesTreeProvider';
import type { TimelinePanels } from '../timeline/timelinePanels';

/**
 * The trace id a command was given: a string (from a row click, another extension or a test) or
 * a Traces view row (context menus). `undefined` when there is none, so the command asks.
 */
export function traceIdArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    const id = parseTraceIdInput(arg);
    if (id === undefined) {
      throw new UserFacingError(`"${arg.length > 80 ? `${arg.slice(0, 80)}…` : arg}" is not a trace ID. Use an X-Ray ID (1-5759e988-bd862e3fe1be46a994272793), a W3C trace ID or an X-Amzn-Trace-Id header.`);
    }
    return id;
  }
  if (TracesTreeProvider.isTraceRow(arg)) {
    return arg.summary.id;
  }
  return undefined;
}

/** `serverlessLens.openTrace`: the id argument, or an input box that reads any pasted form. */
export async function openTrace(panels: TimelinePanels, arg: unknown): Promise<void> {
  const id = traceIdArgument(arg) ?? (await askTraceId());
  if (id !== undefined) {
    panels.open(id);
  }
}

async function askTraceId(): Promise<string | undefined> {
  // Prefill from the clipboard when it holds an id: the usual flow is copy from a log, then open.
  const clipboard = await Promise.resolve(vscode.env.clipboard.readText()).catch(() => '');
  const fromClipboard = clipboard.length <= 10_000 ? parseTraceIdInput(clipboard) : undefined;
  const text = await vscode.window.showInputBox({
    title: 'Serverless Lens: Open Trace',
    prompt: 'An X-Ray trace ID, a W3C trace ID, or a whole X-Amzn-Trace-Id header or log line',
    placeHolder: '1-5759e988-bd862e3fe1be46a994272793',
    value: fromClipboard ?? '',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') {
        return undefined; // Not an error yet: the user has not typed anything.
      }
      const id = parseTraceIdInput(value);
      if (id === undefined) {
        return { message: 'No trace ID found in this text.', severity: vscode.InputBoxValidationSeverity.Error };
      }
      return id === value.trim() ? undefined : { message: `Opens ${id}`, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  if (text === undefined || text.trim() === '') {
    return undefined;
  }
  const id = parseTraceIdInput(text);
  if (id === undefined) {
    throw new UserFacingError('No trace ID found in the text you entered.');
  }
  return id;
}
