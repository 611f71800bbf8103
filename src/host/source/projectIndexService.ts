import * as vscode from 'vscode';
import { ProjectIndex } from '../../local/projectIndex';
import { Disposable, toDisposable } from '../lifecycle';
import type { IDisposable } from '../lifecycle';
import type { FunctionEntry, ProjectIndexSnapshot } from '../../shared/projectModel';
import type { FunctionMatch } from '../../local/functionMatch';
import type { ComponentLogger } from '../logger';
import { Throttler } from '../delay';

/**
 * Files whose change may change the index: templates, Serverless and SAM config, CDK assembly
 * manifests and stack templates, built bundles and maps, and handler sources. The index itself
 * decides (`isRelevant`) whether an event matters, so broad globs only cost a cheap check.
 */
const WATCHED_GLOBS = [
  '**/{template,*.template}.{yaml,yml,json}',
  '**/serverless.{yml,yaml}',
  '**/samconfig.*',
  '**/cdk.out/**/*.json',
  '**/*.{js,mjs,cjs,map,ts,mts,tsx,py}',
];

/** Coalesces the burst of events one `sam build` or `cdk synth` produces. */
const REFRESH_DELAY_MS = 300;

/**
 * The project index of the workspace folders, for every feature that maps traces to code
 * (jump to source, lenses, problems). Built on first use, never at activation; refreshed from
 * file watchers; rebuilt when workspace folders change.
 */
export class ProjectIndexService extends Disposable {
  private index: ProjectIndex | undefined;
  private watchers: IDisposable[] = [];
  private readonly pending = new Set<string>();
  // Bursts of file events (a build writing many files) become one refresh per REFRESH_DELAY_MS.
  private readonly refreshSoon = this._register(new Throttler(REFRESH_DELAY_MS, () => void this.flush()));
  private readonly changed = this._register(new vscode.EventEmitter<void>());

  /** The index changed (a refresh or a rebuild finished). */
  readonly onDidChange: vscode.Event<void> = this.changed.event;

  constructor(private readonly log: ComponentLogger) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuild()));
    this._register(toDisposable(() => this.stop()));
  }

  /** Resolves once the first scan is done; the first call starts it. */
  ready(): Promise<void> {
    const started = performance.now();
    const index = this.current();
    return index.ready().then(() => this.log.debug(`project index ready: ${index.snapshot().functions.length} functions in ${Math.round(performance.now() - started)} ms`));
  }

  /** What the index holds now (empty before `ready()` resolved). */
  snapshot(): ProjectIndexSnapshot {
    return this.current().snapshot();
  }

  findFunction(nameOrArn: string): FunctionEntry | undefined {
    return this.current().findFunction(nameOrArn);
  }

  findFunctions(nameOrArn: string): FunctionMatch[] {
    return this.current().findFunctions(nameOrArn);
  }

  findByHandlerFile(path: string): FunctionEntry[] {
    return this.current().findByHandlerFile(path);
  }

  /** The workspace folders the index covers (file-system paths). */
  folders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
  }

  private current(): ProjectIndex {
    if (this.index === undefined) {
      this.index = new ProjectIndex(this.folders());
      this.watch();
    }
    return this.index;
  }

  private watch(): void {
    for (const glob of WATCHED_GLOBS) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      const queue = (uri: vscode.Uri): void => this.queue(uri);
      this.watchers.push(watcher, watcher.onDidCreate(queue), watcher.onDidChange(queue), watcher.onDidDelete(queue));
    }
  }

  private queue(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || this.index === undefined || !this.index.isRelevant(uri.fsPath)) return;
    this.pending.add(uri.fsPath);
    this.refreshSoon.trigger();
  }

  private async flush(): Promise<void> {
    const index = this.index;
    const paths = [...this.pending];
    this.pending.clear();
    if (index === undefined) return;
    try {
      for (const path of paths) await index.refresh(path);
      this.log.debug(`project index refreshed for ${paths.length} changed file(s)`);
    } catch (error) {
      this.log.warn(`project index refresh failed: ${String(error)}`);
    }
    if (index === this.index) this.changed.fire();
  }

  private rebuild(): void {
    if (this.index === undefined) return; // never used: nothing to rebuild
    this.stop();
    this.log.info('workspace folders changed: rebuilding the project index');
    void this.ready().then(
      () => this.changed.fire(),
      (error: unknown) => this.log.warn(`project index rebuild failed: ${String(error)}`),
    );
  }

  private stop(): void {
    // Cancels a pending refresh; the throttler stays usable for the rebuilt index.
    this.refreshSoon.dispose();
    this.pending.clear();
    for (const watcher of this.watchers.splice(0)) watcher.dispose();
    this.index = undefined;
  }
}
