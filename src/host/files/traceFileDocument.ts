import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { ComponentLogger } from '../logger';
import { TraceFileContent } from './traceFileContent';
import type { TraceFileOptions } from '../../core/traceFiles/traceFileTypes';

/** Files larger than this are refused: a JSON parse of them would stall the extension host. */
const MAX_BYTES = 512 * 1024 * 1024;
/** Changes on disk are read after this quiet time: editors and exporters write in bursts. */
const RELOAD_DELAY_MS = 250;

/** The last path segment of a URI, for labels. */
export function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

/** Reads and recognises a trace file. Throws only when the file cannot be read at all. */
export async function readTraceFile(uri: vscode.Uri, options: TraceFileOptions): Promise<TraceFileContent> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_BYTES) {
    throw new Error(`${fileName(uri)} is ${Math.round(stat.size / 1024 / 1024)} MB; trace files up to ${MAX_BYTES / 1024 / 1024} MB can be opened.`);
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  return TraceFileContent.read(fileName(uri), new TextDecoder('utf-8').decode(bytes), options);
}

/**
 * A trace file opened in the trace editor: its content, read again when the file changes on
 * disk (watched for as long as an editor shows it). Read-only: nothing is ever written back.
 */
export class TraceFileDocument extends Disposable implements vscode.CustomDocument {
  private current: TraceFileContent;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<TraceFileContent>());
  /** Fires with the new content after the file changed on disk and was read again. */
  readonly onDidChangeContent = this.changed.event;

  private constructor(
    readonly uri: vscode.Uri,
    content: TraceFileContent,
    private readonly options: TraceFileOptions,
    private readonly log: ComponentLogger,
  ) {
    super();
    this.current = content;
    const folder = vscode.Uri.joinPath(uri, '..');
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, fileName(uri))));
    this._register(watcher.onDidChange(() => this.scheduleReload()));
    this._register(watcher.onDidCreate(() => this.scheduleReload()));
    this._register({ dispose: () => clearTimeout(this.reloadTimer) });
  }

  static async open(uri: vscode.Uri, options: TraceFileOptions, log: ComponentLogger, preread?: TraceFileContent): Promise<TraceFileDocument> {
    const content = preread ?? (await readTraceFile(uri, options));
    log.info(`opened ${uri.toString(true)}: ${content.parsed.description}, ${content.traceCount} trace(s), ${content.parsed.problems.length} problem(s)`);
    for (const problem of content.parsed.problems.slice(0, 20)) log.debug(`${fileName(uri)}: ${problem.message}`);
    return new TraceFileDocument(uri, content, options, log);
  }

  get content(): TraceFileContent {
    return this.current;
  }

  /** Reads the file again now; the content stays as it was if the file cannot be read. */
  async reload(): Promise<TraceFileContent> {
    try {
      this.current = await readTraceFile(this.uri, this.options);
      this.log.info(`read ${fileName(this.uri)} again: ${this.current.traceCount} trace(s), ${this.current.parsed.problems.length} problem(s)`);
      if (!this.isDisposed) this.changed.fire(this.current);
    } catch (error) {
      this.log.warn(`could not read ${this.uri.toString(true)} again: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.current;
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload(), RELOAD_DELAY_MS);
  }
}
