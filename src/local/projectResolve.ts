/**
 * The disk half of the project index: reads template files, and turns the candidate paths the
 * pure parsers produce into the files that actually exist (handler source, built bundle, and for
 * CDK assets the original entry named by the bundle's source map).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { entrySourceFromMap, parseCdkManifest, parseCdkStackTemplate } from '../core/templates/cdkAssembly';
import { parseSamTemplate } from '../core/templates/samTemplate';
import { parseServerlessTemplate } from '../core/templates/serverlessTemplate';
import type { FunctionEntry, ParsedFunction, ProjectWarning } from '../shared/projectModel';
import type { ProjectFile } from './projectDiscovery';

/** Larger files are not templates anyone edits by hand; reading them would only stall the index. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Bounds the nesting of CDK stage assemblies (a manifest naming itself must not loop). */
const MAX_NESTED_ASSEMBLIES = 4;

/** File existence checks shared by one refresh, so 200 functions over one folder stat each file once. */
export class FileProbe {
  private readonly files = new Map<string, Promise<boolean>>();

  isFile(path: string): Promise<boolean> {
    let known = this.files.get(path);
    if (known === undefined) {
      known = stat(path).then((s) => s.isFile(), () => false);
      this.files.set(path, known);
    }
    return known;
  }

  async firstFile(paths: readonly string[]): Promise<string | undefined> {
    const found = await Promise.all(paths.map((path) => this.isFile(path)));
    return paths[found.indexOf(true)];
  }
}

export async function readText(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The stack name `sam deploy` uses, from `samconfig.toml` (or `.yaml`) beside the template:
 * it turns `<stack>-<LogicalId>-<random>` from a wildcard into a precise pattern.
 */
export async function samStackName(templateDir: string): Promise<{ stackName?: string; configPath?: string }> {
  for (const name of ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml']) {
    const configPath = join(templateDir, name);
    const text = await readText(configPath);
    if (text === undefined) continue;
    const match = /^\s*stack_name\s*[=:]\s*["']?([A-Za-z][A-Za-z0-9-]*)["']?\s*$/m.exec(text);
    return match?.[1] !== undefined ? { stackName: match[1], configPath } : { configPath };
  }
  return {};
}

/** Sets handlerFile, bundleFile and (for CDK) the source-map facts from what exists on disk. */
export async function resolveOnDisk(parsed: ParsedFunction, probe: FileProbe): Promise<FunctionEntry> {
  const entry: FunctionEntry = { ...parsed.entry, ...(parsed.entry.build ? { build: { ...parsed.entry.build } } : {}) };
  const handlerFile = await probe.firstFile(parsed.handlerCandidates);
  if (handlerFile !== undefined) entry.handlerFile = handlerFile;
  const buildDir = entry.buildDir;
  if (buildDir === undefined) return entry;
  const bundle = await probe.firstFile(parsed.bundleCandidates.map((file) => join(buildDir, file)));
  if (bundle !== undefined) entry.bundleFile = parsed.bundleCandidates[parsed.bundleCandidates.findIndex((file) => join(buildDir, file) === bundle)];
  if (entry.handlerFile === undefined && parsed.sourceMapCandidates) await resolveFromSourceMap(entry, buildDir, parsed.sourceMapCandidates, probe);
  return entry;
}

async function resolveFromSourceMap(entry: FunctionEntry, buildDir: string, maps: readonly string[], probe: FileProbe): Promise<void> {
  const mapPath = await probe.firstFile(maps.map((file) => join(buildDir, file)));
  if (mapPath === undefined) return;
  const text = await readText(mapPath);
  const source = text === undefined ? undefined : entrySourceFromMap(text, mapPath);
  entry.build = { ...entry.build, sourcemap: true };
  // The bundle is the file the map belongs to, even when another candidate was expected.
  entry.bundleFile = mapPath.slice(buildDir.length + 1, -'.map'.length);
  if (source !== undefined && (await probe.isFile(source))) entry.handlerFile = source;
}

export interface SourceParse {
  parsed: ParsedFunction[];
  warnings: ProjectWarning[];
  /** Files whose change means this source must be read again (besides the source itself). */
  dependencies: string[];
}

async function parseSam(path: string, text: string): Promise<SourceParse> {
  const config = await samStackName(dirname(path));
  const result = parseSamTemplate(text, path, config.stackName !== undefined ? { stackName: config.stackName } : {});
  const dependencies = ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml'].map((name) => join(dirname(path), name));
  return { parsed: result.functions, warnings: result.warnings, dependencies };
}

async function parseCdk(manifestPath: string, text: string, depth: number, out: SourceParse): Promise<void> {
  const manifest = parseCdkManifest(text, manifestPath);
  out.warnings.push(...manifest.warnings);
  for (const stack of manifest.stacks) {
    out.dependencies.push(stack.templatePath);
    const template = await readText(stack.templatePath);
    if (template === undefined) {
      out.warnings.push({ file: stack.templatePath, message: `stack template of ${stack.artifactId} is missing` });
      continue;
    }
    const result = parseCdkStackTemplate(template, stack);
    out.parsed.push(...result.functions);
    out.warnings.push(...result.warnings);
  }
  if (depth >= MAX_NESTED_ASSEMBLIES) return;
  for (const nested of manifest.nestedManifests) {
    out.dependencies.push(nested);
    const nestedText = await readText(nested);
    if (nestedText !== undefined) await parseCdk(nested, nestedText, depth + 1, out);
  }
}

/** Reads and parses one project file; a missing or unreadable file yields nothing (it was deleted). */
export async function parseProjectFile(file: ProjectFile): Promise<SourceParse | undefined> {
  const text = await readText(file.path);
  if (text === undefined) return undefined;
  if (file.kind === 'sam') return parseSam(file.path, text);
  if (file.kind === 'serverless') {
    const result = parseServerlessTemplate(text, file.path);
    return { parsed: result.functions, warnings: result.warnings, dependencies: [] };
  }
  const out: SourceParse = { parsed: [], warnings: [], dependencies: [] };
  await parseCdk(file.path, text, 0, out);
  return out;
}
