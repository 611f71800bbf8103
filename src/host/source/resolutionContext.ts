import { codeRootOf } from '../../core/pathMapping';
import type { ParsedFrame } from '../../core/stackFrames';
import type { FrameResolverContext } from '../../local/frameResolver';
import type { SourceMapStore } from '../../local/sourceMapStore';
import type { FunctionEntry } from '../../shared/projectModel';

/** Globs for listing the workspace's source files (`vscode.workspace.findFiles` in the extension). */
export const SOURCE_GLOB = '**/*.{ts,mts,cts,tsx,js,mjs,cjs,jsx,py}';
export const SOURCE_EXCLUDED = '**/{node_modules,.git,.aws-sam,cdk.out,.serverless,.esbuild,dist,out,.venv,venv,__pycache__}/**';
export const MAX_SOURCE_FILES = 20_000;
/** The file list only serves path-suffix ranking; a slightly stale list costs little. */
const FILES_TTL_MS = 30_000;

export interface ResolutionContextSources {
  /** The workspace folders (file-system paths): the project index's. */
  folders(): readonly string[];
  /** `serverlessLens.source.pathMappings`, read at each resolution (settings apply without a reload). */
  pathMappings(): Record<string, string> | undefined;
  /** The workspace's source files (file-system paths); failures become an empty list. */
  listSourceFiles(): PromiseLike<string[]>;
}

/**
 * Builds what `resolveFrames` needs from the host: workspace folders, the user's path mappings
 * (`${workspaceFolder}` is expanded by the resolver), the function's build output from the
 * project index, and workspace source files for path-suffix ranking. No `vscode` here: the
 * caller passes how to read them, so plain-Node tests build contexts exactly as the extension does.
 */
export class ResolutionContextFactory {
  private files: { at: number; list: Promise<string[]> } | undefined;

  constructor(
    readonly store: SourceMapStore,
    private readonly sources: ResolutionContextSources,
  ) {}

  async create(entry: FunctionEntry | undefined, evidenceFrames?: readonly ParsedFrame[]): Promise<FrameResolverContext> {
    const pathMappings = this.sources.pathMappings();
    const context: FrameResolverContext = {
      store: this.store,
      workspaceFolders: this.sources.folders(),
      ...(pathMappings === undefined ? {} : { pathMappings }),
      workspaceFiles: await this.workspaceFiles(),
    };
    if (entry?.buildDir !== undefined) context.buildDir = entry.buildDir;
    const codeRoot = entry?.handlerFile !== undefined ? codeRootOf(entry.handlerFile, handlerModule(entry)) : undefined;
    if (codeRoot !== undefined) context.codeRoot = codeRoot;
    if (evidenceFrames !== undefined && evidenceFrames.length > 0) context.evidenceFrames = evidenceFrames;
    return context;
  }

  private workspaceFiles(): Promise<string[]> {
    if (this.files === undefined || Date.now() - this.files.at > FILES_TTL_MS) {
      const list = Promise.resolve(this.sources.listSourceFiles()).then(
        (files) => files,
        () => [],
      );
      this.files = { at: Date.now(), list };
    }
    return this.files.list;
  }
}

/** The handler's module path: `src/app.handler` → `src/app`; Python's dotted `pkg.app.handler` → `pkg/app`. */
function handlerModule(entry: FunctionEntry): string {
  const exportAt = entry.handler.length - entry.handlerExport.length - 1;
  const module = exportAt > 0 ? entry.handler.slice(0, exportAt) : entry.handler;
  return entry.runtime?.startsWith('python') === true ? module.replace(/\./g, '/') : module;
}
