/**
 * Lambda functions of a Serverless Framework service (`serverless.yml`): deployed names
 * (`<service>-<stage>-<function>` unless `name:` overrides it), handler files, and the folder the
 * packaging plugin builds into. Variables (`${self:…}`, `${opt:stage, 'dev'}`, `${sls:stage}`) are
 * resolved where the file alone says what they are; the rest stay deploy-time wildcards.
 * Pure: the local layer checks which candidate files exist.
 */
import { dirname, join } from 'node:path';
import type { FunctionBuild, FunctionEntry, ParsedFunction, ProjectWarning, TemplateParseResult } from '../../shared/projectModel';
import { isRecord, readRecord, readString } from '../jsonRead';
import type { JsonRecord } from '../jsonRead';
import { nameShape, parseCfnTemplate } from './cfnYaml';
import type { NamePart } from './cfnYaml';
import { runtimeFamily, sourceCandidates, splitHandler } from './samTemplate';
import type { HandlerParts, RuntimeFamily } from './samTemplate';

// Markers inside resolved strings: a part unknown until deploy, and a part with a default that
// the command line may override (the stage). Private-use characters never occur in real names.
const UNKNOWN = '\uE000';
const VAR_OPEN = '\uE001';
const VAR_CLOSE = '\uE002';
const MAX_DEPTH = 10;

interface VariableContext {
  doc: JsonRecord;
  depth: number;
}

function lookup(doc: JsonRecord, address: string): unknown {
  let node: unknown = doc;
  for (const key of address.split('.').filter((k) => k !== '')) {
    if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** One source of a `${a, b, 'c'}` expression; `undefined` when it gives nothing, so the next one is tried. */
function resolveSource(rawSource: string, ctx: VariableContext, isFallback: boolean): string | undefined {
  // An inner variable (`${self:custom.${sls:stage}}`) takes its default value inside a lookup key.
  const source = rawSource.replace(/[\uE001\uE002]/g, '');
  if (source.includes(UNKNOWN)) return undefined;
  const quoted = /^(['"])(.*)\1$/.exec(source);
  if (quoted) return quoted[2];
  if (source === 'sls:stage' || source === 'self:provider.stage') return stagePart(ctx);
  if (source.startsWith('self:')) {
    const value = lookup(ctx.doc, source.slice(5));
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return typeof value === 'string' ? resolveText(value, { ...ctx, depth: ctx.depth + 1 }) : undefined;
  }
  // A bare word is a literal only as a fallback (`${opt:stage, dev}`).
  if (isFallback && /^[A-Za-z0-9_.-]+$/.test(source)) return source;
  return undefined;
}

/** `${…}` body: sources tried in order; a default reached after a deploy-time source stays overridable. */
function resolveExpression(body: string, ctx: VariableContext): string {
  const sources = body.split(',').map((s) => s.trim()).filter((s) => s !== '');
  let overridable = false;
  for (const [index, source] of sources.entries()) {
    const value = resolveSource(source, ctx, index > 0);
    if (value !== undefined) return overridable && !value.includes(UNKNOWN) ? `${VAR_OPEN}${value}${VAR_CLOSE}` : value;
    if (/^(opt|env|param|ssm|cf|s3|sls):/.test(source)) overridable = true;
  }
  return UNKNOWN;
}

/** Resolves every `${…}` in `text`, innermost first (`${self:custom.${sls:stage}}`). */
function resolveText(text: string, ctx: VariableContext): string {
  if (ctx.depth > MAX_DEPTH) return UNKNOWN;
  let current = text;
  for (let guard = 0; guard < 50; guard++) {
    const match = /\$\{([^${}]*)\}/.exec(current);
    if (!match) break;
    const value = resolveExpression(match[1] ?? '', ctx);
    current = current.slice(0, match.index) + value + current.slice(match.index + match[0].length);
  }
  return current;
}

function stagePart(ctx: VariableContext): string {
  const provider = readRecord(ctx.doc, 'provider') ?? {};
  const raw = provider.stage;
  // `provider.stage` is only a default: `--stage` overrides it, hence the marker.
  const stage = typeof raw === 'string' ? resolveText(raw, { ...ctx, depth: ctx.depth + 1 }).replace(/[\uE001\uE002]/g, '') : 'dev';
  return stage.includes(UNKNOWN) ? UNKNOWN : `${VAR_OPEN}${stage}${VAR_CLOSE}`;
}

function toParts(resolved: string): NamePart[] {
  const parts: NamePart[] = [];
  const re = /\uE000|\uE001([^\uE002]*)\uE002|[^\uE000\uE001\uE002]+/g;
  for (let match = re.exec(resolved); match !== null; match = re.exec(resolved)) {
    if (match[0] === UNKNOWN) parts.push({});
    else if (match[1] !== undefined) parts.push({ text: match[1], variable: true });
    else parts.push({ text: match[0] });
  }
  return parts;
}

/** The value as a plain string (stage defaults applied), or `undefined` when part of it is deploy-time only. */
function resolvedLiteral(value: unknown, ctx: VariableContext): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = resolveText(value, ctx);
  return text.includes(UNKNOWN) ? undefined : text.replace(/[\uE001\uE002]/g, '');
}

function pluginNames(doc: JsonRecord): string[] {
  const plugins = doc.plugins;
  const list = isRecord(plugins) ? plugins.modules : plugins;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
}

interface ServerlessLayout {
  buildDir: string;
  build?: FunctionBuild;
  bundleExtensions: string[];
}

function esbuildOptions(method: string, options: JsonRecord): FunctionBuild {
  const build: FunctionBuild = { method, minify: options.minify === true };
  if (options.sourcemap !== undefined) build.sourcemap = options.sourcemap !== false;
  const format = readString(options, 'format');
  if (format !== undefined) build.format = format;
  const outExtension = readString(options, 'outputFileExtension');
  if (outExtension !== undefined) build.outExtension = { '.js': outExtension };
  return build;
}

/** Where the packaged code comes from: the bundler plugin's folder, or the service folder as is. */
function serverlessLayout(doc: JsonRecord, serviceDir: string): ServerlessLayout {
  const plugins = pluginNames(doc);
  const custom = readRecord(doc, 'custom') ?? {};
  const builtIn = readRecord(doc, 'build');
  if (plugins.includes('serverless-esbuild')) {
    const build = esbuildOptions('serverless-esbuild', readRecord(custom, 'esbuild') ?? {});
    const ext = build.outExtension?.['.js'] ?? (build.format === 'esm' ? '.mjs' : '.js');
    return { buildDir: join(serviceDir, '.esbuild', '.build'), build, bundleExtensions: [ext, '.js', '.mjs', '.cjs'] };
  }
  if (builtIn !== undefined && 'esbuild' in builtIn) {
    const build = esbuildOptions('serverless-esbuild-v4', readRecord(builtIn, 'esbuild') ?? {});
    return { buildDir: join(serviceDir, '.serverless', 'build'), build, bundleExtensions: ['.js', '.mjs', '.cjs'] };
  }
  if (plugins.includes('serverless-plugin-typescript')) {
    return { buildDir: join(serviceDir, '.build'), build: { method: 'serverless-plugin-typescript' }, bundleExtensions: ['.js'] };
  }
  if (plugins.includes('serverless-webpack')) {
    return { buildDir: join(serviceDir, '.webpack', 'service'), build: { method: 'serverless-webpack' }, bundleExtensions: ['.js'] };
  }
  return { buildDir: serviceDir, bundleExtensions: ['.js', '.mjs', '.cjs'] };
}

function functionsOf(doc: JsonRecord): Array<[string, unknown]> {
  const functions = doc.functions;
  if (isRecord(functions)) return Object.entries(functions);
  // Also accepted by the framework: a list of single-function maps.
  if (Array.isArray(functions)) return functions.filter(isRecord).flatMap((item) => Object.entries(item));
  return [];
}

interface ServiceInfo {
  path: string;
  doc: JsonRecord;
  ctx: VariableContext;
  serviceParts: NamePart[];
  runtime: string | undefined;
  layout: ServerlessLayout;
}

function bundleCandidates(parts: HandlerParts, family: RuntimeFamily | undefined, layout: ServerlessLayout): string[] {
  if (family === 'python') return [`${parts.module}.py`];
  if (family === 'other') return [];
  return [...new Set(layout.bundleExtensions)].map((ext) => `${parts.module}${ext}`);
}

function readServerlessFunction(key: string, fn: JsonRecord, service: ServiceInfo): ParsedFunction | string {
  if (fn.image !== undefined) return `${key}: container image function, no handler source to index`;
  const handler = resolvedLiteral(fn.handler, service.ctx);
  if (handler === undefined) return `${key}: no resolvable handler`;
  const runtime = resolvedLiteral(fn.runtime, service.ctx) ?? service.runtime;
  const family = runtimeFamily(runtime);
  const parts = splitHandler(handler, family);
  const nameParts = typeof fn.name === 'string'
    ? toParts(resolveText(fn.name, service.ctx))
    : [...service.serviceParts, { text: '-' }, ...toParts(stagePart(service.ctx)), { text: `-${key}` }];
  const shape = nameShape(nameParts);
  const entry: FunctionEntry = { id: `serverless:${service.path}#${key}`, framework: 'serverless', templatePath: service.path, logicalId: key, namePattern: shape.pattern, handler, handlerExport: parts.exportName };
  if (shape.literal !== undefined) entry.functionName = shape.literal;
  if (runtime !== undefined) entry.runtime = runtime;
  entry.buildDir = service.layout.buildDir;
  const bundles = bundleCandidates(parts, family, service.layout);
  if (bundles[0] !== undefined) entry.bundleFile = bundles[0];
  if (service.layout.build) entry.build = { ...service.layout.build, entryPoints: [parts.module] };
  return { entry, handlerCandidates: sourceCandidates(dirname(service.path), parts.module, family), bundleCandidates: bundles };
}

/** Reads the functions of a `serverless.yml`. Never throws; problems become warnings. */
export function parseServerlessTemplate(text: string, path: string): TemplateParseResult {
  const warnings: ProjectWarning[] = [];
  const functions: ParsedFunction[] = [];
  const parsed = parseCfnTemplate(text);
  for (const error of parsed.errors) warnings.push({ file: path, message: `cannot parse serverless.yml: ${error}` });
  if (!isRecord(parsed.value)) return { functions, warnings };
  const doc = parsed.value;
  const provider = readRecord(doc, 'provider') ?? {};
  const providerName = readString(provider, 'name');
  if (providerName !== undefined && providerName !== 'aws') {
    warnings.push({ file: path, message: `provider ${providerName} is not AWS: not indexed` });
    return { functions, warnings };
  }
  const ctx: VariableContext = { doc, depth: 0 };
  const serviceValue = isRecord(doc.service) ? doc.service.name : doc.service;
  const serviceParts = typeof serviceValue === 'string' ? toParts(resolveText(serviceValue, ctx)) : [{}];
  const service: ServiceInfo = { path, doc, ctx, serviceParts, runtime: resolvedLiteral(provider.runtime, ctx), layout: serverlessLayout(doc, dirname(path)) };
  for (const [key, fn] of functionsOf(doc)) {
    if (!isRecord(fn)) continue;
    const result = readServerlessFunction(key, fn, service);
    if (typeof result === 'string') warnings.push({ file: path, message: result });
    else functions.push(result);
  }
  return { functions, warnings };
}
