import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { FrameResolution } from '../../local/frameResolver';

/** Read-only virtual documents: a TextDocumentContentProvider's documents cannot be edited. */
export const STACK_SCHEME = 'serverless-lens-stack';

/** Documents kept; older ones show as empty if reopened from history. */
const MAX_DOCUMENTS = 20;

interface StackLink {
  /** 0-based line and character range of the `path:line:col` text. */
  line: number;
  start: number;
  end: number;
  target: vscode.Uri;
  tooltip: string;
}

interface StackDocument {
  text: string;
  links: StackLink[];
  /** 0-based lines of runtime and library frames, shown dimmed. */
  dimmed: number[];
}

export interface StackDocumentInput {
  title: string;
  /** Which function's build the `/var/task` frames were resolved against, if any. */
  functionLabel?: string;
  frames: readonly FrameResolution[];
}

/**
 * Shows a resolved stack as a read-only document: each frame as it was printed, followed by the
 * original source position as a link (`src/lib/validate.ts:24:11`), guesses marked as such,
 * runtime and library frames dimmed.
 */
export class StackDocuments extends Disposable implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly documents = new Map<string, StackDocument>();
  private readonly dim: vscode.TextEditorDecorationType;
  private counter = 0;

  constructor() {
    super();
    this.dim = this._register(vscode.window.createTextEditorDecorationType({ opacity: '0.5' }));
    this._register(vscode.workspace.registerTextDocumentContentProvider(STACK_SCHEME, this));
    this._register(vscode.languages.registerDocumentLinkProvider({ scheme: STACK_SCHEME }, this));
    this._register(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((editor) => this.decorate(editor))));
  }

  /** Opens a new document for the stack and returns its URI. */
  async show(input: StackDocumentInput): Promise<vscode.Uri> {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: STACK_SCHEME, path: `/Resolved Stack ${this.counter}.txt` });
    this.documents.set(uri.toString(), render(input));
    while (this.documents.size > MAX_DOCUMENTS) {
      const oldest = this.documents.keys().next().value;
      if (oldest === undefined) break;
      this.documents.delete(oldest);
    }
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    this.decorate(editor);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.toString())?.text ?? 'This resolved stack is no longer available: run "Resolve Stack Trace from Clipboard" again.';
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const stack = this.documents.get(document.uri.toString());
    return (stack?.links ?? []).map((link) => {
      const result = new vscode.DocumentLink(new vscode.Range(link.line, link.start, link.line, link.end), link.target);
      result.tooltip = link.tooltip;
      return result;
    });
  }

  private decorate(editor: vscode.TextEditor): void {
    const stack = this.documents.get(editor.document.uri.toString());
    if (stack === undefined) return;
    editor.setDecorations(this.dim, stack.dimmed.map((line) => new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER)));
  }
}

function render(input: StackDocumentInput): StackDocument {
  const lines: string[] = [input.title.replace(/\r?\n/g, ' ')];
  const links: StackLink[] = [];
  const dimmed: number[] = [];
  if (input.functionLabel !== undefined) lines.push(`(/var/task frames resolved with the build of ${input.functionLabel})`);
  lines.push('');
  for (const result of input.frames) {
    const { frame } = result;
    const position = `${frame.path}${frame.line !== undefined ? `:${frame.line}` : ''}${frame.column !== undefined ? `:${frame.column}` : ''}`;
    lines.push(`    at ${frame.label ? `${frame.label} (${position})` : position}`);
    if (result.skipped === 'runtime') {
      dimmed.push(lines.length - 1);
      continue;
    }
    if (!result.resolved) {
      lines.push(`        (not resolved: ${result.why ?? 'unknown reason'})`);
      dimmed.push(lines.length - 1);
      continue;
    }
    const { file, line, column, guess, reason } = result.resolved;
    const prefix = '        → ';
    const target = `${vscode.workspace.asRelativePath(file)}:${line}${column !== undefined ? `:${column}` : ''}`;
    const note = guess ? `  (guess: ${reason ?? 'several lines were possible'})` : '';
    links.push({
      line: lines.length,
      start: prefix.length,
      end: prefix.length + target.length,
      target: vscode.Uri.file(file).with({ fragment: `L${line}${column !== undefined ? `,${column}` : ''}` }),
      tooltip: guess ? `Open ${target} (a guess: ${reason ?? 'several lines were possible'})` : `Open ${target}`,
    });
    lines.push(`${prefix}${target}${note}`);
  }
  return { text: `${lines.join('\n')}\n`, links, dimmed };
}
