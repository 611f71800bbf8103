/**
 * Lambda functions of a SAM or plain CloudFormation template: what is deployed under which name,
 * which source file holds the handler, and where `sam build` puts the code Lambda runs.
 * Pure: the local layer checks which of the candidate files exist.
 */
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { FunctionBuild, FunctionEntry, ParsedFunction, ProjectWarning, TemplateParseResult } from '../../shared/projectModel';
import { isRecord, readRecord, readString } from '../jsonRead';
import type { JsonRecord } from '../jsonRead';
import { escapeRegExp, intrinsicParts, literalString, nameShape, parseCfnTemplate } from './cfnYaml';
import type { IntrinsicContext, NameShape } from './cfnYaml';

export interface SamParseOptions {
  /** The stack name when known (samconfig.toml `stack_name`): generated names then match more precisely. */
  stackName?: string;
}

export type RuntimeFamily = 'node' | 'python' | 'other';

/** Source before compiled output: users want to land in their TypeScript, not its emit. */
const NODE_SOURCE_EXTENSIONS = ['.ts', '.mts', '.tsx', '.cts', '.js', '.mjs', '.cjs'];

export function runtimeFamily(runtime: string | undefined): RuntimeFamily | undefined {
  if (runtime === undefined) return undefined;
  if (runtime.startsWith('nodejs')) return 'node';
  if (runtime.startsWith('python')) return 'python';
  return 'other';
}

export interface HandlerParts {
  /** Module path without extension, with `/` separators (`src/handlers/app`). */
  module: string;
  /** Export the runtime calls (`lambdaHandler`, or `handlers.main` for a nested one). */
  exportName: string;
}

/**
 * Splits a handler string the way the runtimes do: Node takes the file up to the first dot after
 * the last `/` (`src/app.handlers.main` → `src/app` + `handlers.main`); Python treats dots before
 * the last as package separators (`pkg.mod.handler` → `pkg/mod` + `handler`).
 */
export function splitHandler(handler: string, family: RuntimeFamily | undefined): HandlerParts {
  if (family === 'python') {
    const dot = handler.lastIndexOf('.');
    if (dot <= 0) return { module: handler, exportName: '' };
    return { module: handler.slice(0, dot).replace(/\./g, '/'), exportName: handler.slice(dot + 1) };
  }
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot < 0) return { module: handler, exportName: '' };
  return { module: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

/** Absolute candidate source files for a handler module under `baseDir`, best first. */
export function sourceCandidates(baseDir: string, module: string, family: RuntimeFamily | undefined): string[] {
  const base = resolve(baseDir, module);
  if (family === 'python') return [`${base}.py`];
  if (family === 'node') return NODE_SOURCE_EXTENSIONS.map((ext) => `${base}${ext}`);
  if (family === undefined) return [...NODE_SOURCE_EXTENSIONS, '.py'].map((ext) => `${base}${ext}`);
  return [];
}

/** Matches `text` or any prefix of it at least `min` long: CloudFormation truncates long names. */
function prefixPattern(text: string, min: number): string {
  const head = escapeRegExp(text.slice(0, min));
  let tail = '';
  for (let i = text.length - 1; i >= min; i--) tail = `(?:${escapeRegExp(text.charAt(i))}${tail})?`;
  return head + tail;
}

/**
 * The name CloudFormation generates when a template sets no FunctionName:
 * `<stack>-<LogicalId>-<random>`, both leading parts cut short when the whole would pass 64.
 */
export function generatedNamePattern(stackName: string | undefined, logicalId: string): string {
  const stack = stackName === undefined ? '[A-Za-z0-9-]+' : prefixPattern(stackName, Math.min(stackName.length, 8));
  return `^${stack}-${prefixPattern(logicalId, Math.min(logicalId.length, 8))}-[A-Za-z0-9]+$`;
}

export function intrinsicContext(template: JsonRecord, known: Record<string, string>): IntrinsicContext {
  const defaults: Record<string, string> = {};
  const parameters = readRecord(template, 'Parameters') ?? {};
  for (const [name, parameter] of Object.entries(parameters)) {
    const value = isRecord(parameter) ? parameter.Default : undefined;
    if (typeof value === 'string' || typeof value === 'number') defaults[name] = String(value);
  }
  return { known, defaults };
}

export function functionNameShape(value: unknown, context: IntrinsicContext, stackName: string | undefined, logicalId: string): NameShape {
  if (value === undefined) return { pattern: generatedNamePattern(stackName, logicalId) };
  return nameShape(intrinsicParts(value, context));
}

/** SAM merges Globals maps key by key (Environment.Variables, Tags) instead of replacing them. */
function mergeGlobals(globals: JsonRecord | undefined, props: JsonRecord): JsonRecord {
  if (globals === undefined) return props;
  const merged: JsonRecord = { ...globals, ...props };
  for (const [key, value] of Object.entries(props)) {
    const global = globals[key];
    const intrinsic = isRecord(value) && Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::'));
    if (isRecord(global) && isRecord(value) && !intrinsic) merged[key] = mergeGlobals(global, value);
  }
  return merged;
}

/** `OutExtension` as SAM writes it (`['.js=.mjs']`) or as a map. */
function readOutExtension(value: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const [from, to] = typeof item === 'string' ? item.split('=') : [];
      if (from && to) out[from.trim()] = to.trim();
    }
  } else if (isRecord(value)) {
    for (const [from, to] of Object.entries(value)) if (typeof to === 'string') out[from] = to;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function readBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

function stripExtension(path: string): string {
  const ext = extname(path);
  return ext === '' ? path : path.slice(0, -ext.length);
}

interface CodeLayout {
  build: FunctionBuild | undefined;
  bundleCandidates: string[];
  handlerCandidates: string[];
}

/** `sam build` with esbuild: one bundle per entry point, named after it, in the function's build folder. */
function esbuildLayout(metadata: JsonRecord, props: JsonRecord, codeDir: string, parts: HandlerParts): CodeLayout {
  const properties = readRecord(metadata, 'BuildProperties') ?? {};
  const entryPoints = Array.isArray(properties.EntryPoints) ? properties.EntryPoints.filter((e): e is string => typeof e === 'string') : [];
  const moduleName = basename(parts.module);
  const entry = entryPoints.find((e) => basename(stripExtension(e)) === moduleName) ?? entryPoints[0] ?? parts.module;
  const outExtension = readOutExtension(properties.OutExtension);
  const ext = outExtension?.['.js'] ?? '.js';
  const stem = basename(stripExtension(entry));
  const variables = readRecord(readRecord(props, 'Environment') ?? {}, 'Variables') ?? {};
  const nodeOptions = typeof variables.NODE_OPTIONS === 'string' ? variables.NODE_OPTIONS : '';
  const build: FunctionBuild = {
    method: 'esbuild',
    // Defaults of aws-lambda-builders: --minify unless Minify is set, --format=cjs unless Format is.
    minify: readBool(properties.Minify) ?? true,
    sourcemap: readBool(properties.Sourcemap) ?? (nodeOptions.includes('--enable-source-maps') ? true : undefined),
    format: readString(properties, 'Format') ?? 'cjs',
  };
  if (entryPoints.length > 0) build.entryPoints = entryPoints;
  if (outExtension) build.outExtension = outExtension;
  if (build.sourcemap === undefined) delete build.sourcemap;
  const handlerCandidates = extname(entry) !== '' ? [resolve(codeDir, entry)] : [];
  handlerCandidates.push(...sourceCandidates(codeDir, stripExtension(entry), 'node'));
  const alternate = ext === '.mjs' ? '.js' : '.mjs';
  return { build, bundleCandidates: [`${stem}${ext}`, `${stem}${alternate}`], handlerCandidates: [...new Set(handlerCandidates)] };
}

/** Without a bundler the code folder is copied as is: the bundle is the handler file itself. */
function copiedLayout(codeDir: string, parts: HandlerParts, family: RuntimeFamily | undefined): CodeLayout {
  const handlerCandidates = sourceCandidates(codeDir, parts.module, family);
  const bundleCandidates = family === 'python' ? [`${parts.module}.py`] : ['.js', '.mjs', '.cjs'].map((ext) => `${parts.module}${ext}`);
  return { build: undefined, bundleCandidates: family === 'other' ? [] : bundleCandidates, handlerCandidates };
}

/** The local code folder, or `undefined` for S3 code, inline code, zips and images. */
function localCodeDir(resourceType: string, props: JsonRecord, templateDir: string, context: IntrinsicContext): string | undefined {
  const code = resourceType === 'AWS::Serverless::Function' ? props.CodeUri : props.Code;
  if (code === undefined) return resourceType === 'AWS::Serverless::Function' && props.InlineCode === undefined ? templateDir : undefined;
  const path = literalString(code, context);
  if (path === undefined || /^s3:\/\//.test(path) || /\.(zip|jar)$/i.test(path)) return undefined;
  return resolve(templateDir, path);
}

export interface FunctionResourceInput {
  logicalId: string;
  resource: JsonRecord;
  templatePath: string;
  globals: JsonRecord | undefined;
  context: IntrinsicContext;
  stackName: string | undefined;
}

/** One function resource to a ParsedFunction, or a warning saying why it cannot be indexed. */
export function readFunctionResource(input: FunctionResourceInput): ParsedFunction | string {
  const { logicalId, resource, templatePath, context } = input;
  const type = readString(resource, 'Type') ?? '';
  const raw = readRecord(resource, 'Properties') ?? {};
  const props = type === 'AWS::Serverless::Function' ? mergeGlobals(input.globals, raw) : raw;
  if (props.PackageType === 'Image') return `${logicalId}: container image function, no handler source to index`;
  const handler = literalString(props.Handler, context);
  if (handler === undefined) return `${logicalId}: no literal Handler`;
  const runtime = literalString(props.Runtime, context);
  const family = runtimeFamily(runtime);
  const parts = splitHandler(handler, family);
  const shape = functionNameShape(props.FunctionName, context, input.stackName, logicalId);
  const entry: FunctionEntry = { id: `sam:${templatePath}#${logicalId}`, framework: 'sam', templatePath, logicalId, namePattern: shape.pattern, handler, handlerExport: parts.exportName };
  if (shape.literal !== undefined) entry.functionName = shape.literal;
  if (runtime !== undefined) entry.runtime = runtime;
  const logGroup = literalString(readRecord(props, 'LoggingConfig')?.LogGroup, context);
  if (logGroup !== undefined) entry.logGroup = logGroup;
  const templateDir = dirname(templatePath);
  const codeDir = localCodeDir(type, props, templateDir, context);
  if (codeDir === undefined) return { entry, handlerCandidates: [], bundleCandidates: [] };
  const metadata = readRecord(resource, 'Metadata') ?? {};
  const esbuild = /^esbuild$/i.test(readString(metadata, 'BuildMethod') ?? '') && family !== 'python';
  const layout = esbuild ? esbuildLayout(metadata, props, codeDir, parts) : copiedLayout(codeDir, parts, family);
  entry.buildDir = join(templateDir, '.aws-sam', 'build', logicalId);
  if (layout.bundleCandidates[0] !== undefined) entry.bundleFile = layout.bundleCandidates[0];
  if (layout.build) entry.build = layout.build;
  return { entry, handlerCandidates: layout.handlerCandidates, bundleCandidates: layout.bundleCandidates };
}

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

/** Reads the functions of a SAM/CloudFormation template. Never throws; problems become warnings. */
export function parseSamTemplate(text: string, templatePath: string, options: SamParseOptions = {}): TemplateParseResult {
  const warnings: ProjectWarning[] = [];
  const functions: ParsedFunction[] = [];
  const parsed = parseCfnTemplate(text);
  for (const error of parsed.errors) warnings.push({ file: templatePath, message: `cannot parse template: ${error}` });
  if (!isRecord(parsed.value)) return { functions, warnings };
  const template = parsed.value;
  const resources = readRecord(template, 'Resources') ?? {};
  const known: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  if (options.stackName !== undefined) known['AWS::StackName'] = options.stackName;
  const context = intrinsicContext(template, known);
  const globals = readRecord(readRecord(template, 'Globals') ?? {}, 'Function');
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isRecord(resource)) continue;
    const type = readString(resource, 'Type');
    if (type === 'AWS::Serverless::Application') {
      warnings.push({ file: templatePath, message: `${logicalId}: nested application not indexed (its functions live in another template)` });
      continue;
    }
    if (type === undefined || !FUNCTION_TYPES.has(type)) continue;
    const result = readFunctionResource({ logicalId, resource, templatePath, globals, context, stackName: options.stackName });
    if (typeof result === 'string') warnings.push({ file: templatePath, message: result });
    else functions.push(result);
  }
  return { functions, warnings };
}
