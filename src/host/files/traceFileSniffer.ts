import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { SNIFF_BYTES, sniffTraceFormat } from '../../core/traceFiles/traceFileSniff';
import type { TraceFileFormat } from '../../core/traceFiles/traceFileTypes';

/** Context key: the active text editor shows a file whose content looks like a trace file. */
export const TRACE_FILE_CONTEXT_KEY = 'serverlessLens.activeEditorIsTraceFile';

/** Languages trace files open as in the text editor (`.json`, `.jsonl`, `.ndjson`, `.txt`, `.log`). */
const LANGUAGES = new Set(['json', 'jsonc', 'jsonl', 'plaintext', 'log']);

/**
 * Looks at the start of the file in the active text editor and sets `TRACE_FILE_CONTEXT_KEY`, which
 * shows the "Open as Trace" button in the editor title. A button rather than a notification:
 * people open many JSON files, and a pop-up on each would be noise; the button is there whenever
 * it applies and costs nothing when it does not. The answer is cached per document version.
 */
export class TraceFileSniffer extends Disposable {
  private readonly cache = new WeakMap<vscode.TextDocument, { version: number; format: TraceFileFormat | undefined }>();
  private last: boolean | undefined;

  constructor() {
    super();
    this._register(vscode.window.onDidChangeActiveTextEditor((editor) => this.update(editor)));
    this._register(vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === vscode.window.activeTextEditor?.document) this.update(vscode.window.activeTextEditor);
    }));
    this.update(vscode.window.activeTextEditor);
  }

  /** The format the document's start suggests, or undefined. */
  formatOf(document: vscode.TextDocument): TraceFileFormat | undefined {
    if (!LANGUAGES.has(document.languageId)) return undefined;
    const cached = this.cache.get(document);
    if (cached?.version === document.version) return cached.format;
    const end = document.positionAt(SNIFF_BYTES);
    const format = sniffTraceFormat(document.getText(new vscode.Range(new vscode.Position(0, 0), end)));
    this.cache.set(document, { version: document.version, format });
    return format;
  }

  private update(editor: vscode.TextEditor | undefined): void {
    const value = editor !== undefined && this.formatOf(editor.document) !== undefined;
    if (value === this.last) return;
    this.last = value;
    void vscode.commands.executeCommand('setContext', TRACE_FILE_CONTEXT_KEY, value);
  }
}
