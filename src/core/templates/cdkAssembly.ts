/**
 * Lambda functions of a CDK cloud assembly (`cdk.out`): the manifest names the stack templates,
 * and each function resource in them says which asset folder (`asset.<hash>`) holds the code
 * Lambda runs. The original entry file of a bundled function (`NodejsFunction`) is only known
 * from the asset's source map, which the local layer reads (`sourceMapCandidates`).
 * Pure: input is file text and paths.
 */
import { isAbsolute, resolve } from 'node:path';
import type { FunctionEntry, ParsedFunction, ProjectWarning, TemplateParseResult } from '../../shared/projectModel';
import { isRecord, readRecord, readString } from '../jsonRead';
import type { JsonRecord } from '../jsonRead';
import { literalString, parseCfnTemplate } from './cfnYaml';
import type { IntrinsicContext } from './cfnYaml';
import { functionNameShape, intrinsicContext, runtimeFamily, splitHandler } from './samTemplate';

export interface CdkStackRef {
  /** Artifact id in the manifest (also the construct id of the stack). */
  artifactId: string;
  /** Deployed stack name (`properties.stackName`, else the artifact id). */
  stackName: string;
  /** Absolute path of the stack template. */
  templatePath: string;
}

export interface CdkManifestResult {
  stacks: CdkStackRef[];
  /** Absolute paths of nested assembly manifests (CDK Stages: `assembly-<Stage>/manifest.json`). */
  nestedManifests: string[];
  warnings: ProjectWarning[];
}

function assemblyDirOf(manifestPath: string): string {
  return resolve(manifestPath, '..');
}

/** Reads `cdk.out/manifest.json`. Never throws. */
export function parseCdkManifest(text: string, manifestPath: string): CdkManifestResult {
  const result: CdkManifestResult = { stacks: [], nestedManifests: [], warnings: [] };
  let manifest: unknown;
  try {
    manifest = JSON.parse(text) as unknown;
  } catch (error) {
    result.warnings.push({ file: manifestPath, message: `cannot parse CDK manifest: ${error instanceof Error ? error.message : String(error)}` });
    return result;
  }
  const artifacts = isRecord(manifest) ? readRecord(manifest, 'artifacts') : undefined;
  if (artifacts === undefined) {
    result.warnings.push({ file: manifestPath, message: 'CDK manifest has no artifacts' });
    return result;
  }
  const dir = assemblyDirOf(manifestPath);
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact)) continue;
    const properties = readRecord(artifact, 'properties') ?? {};
    const type = readString(artifact, 'type');
    if (type === 'aws:cloudformation:stack') {
      const templateFile = readString(properties, 'templateFile');
      if (templateFile === undefined) continue;
      result.stacks.push({ artifactId, stackName: readString(properties, 'stackName') ?? artifactId, templatePath: resolve(dir, templateFile) });
    } else if (type === 'cdk:cloud-assembly') {
      const directoryName = readString(properties, 'directoryName');
      if (directoryName !== undefined) result.nestedManifests.push(resolve(dir, directoryName, 'manifest.json'));
    }
  }
  return result;
}

interface CdkFunctionInput {
  logicalId: string;
  resource: JsonRecord;
  stack: CdkStackRef;
  context: IntrinsicContext;
}

function assetDir(metadata: JsonRecord, templatePath: string): string | undefined {
  const assetPath = readString(metadata, 'aws:asset:path');
  const property = readString(metadata, 'aws:asset:property');
  if (assetPath === undefined || (property !== undefined && property !== 'Code')) return undefined;
  return isAbsolute(assetPath) ? assetPath : resolve(templatePath, '..', assetPath);
}

function readCdkFunction(input: CdkFunctionInput): ParsedFunction | string {
  const { logicalId, resource, stack, context } = input;
  const props = readRecord(resource, 'Properties') ?? {};
  const metadata = readRecord(resource, 'Metadata') ?? {};
  const label = readString(metadata, 'aws:cdk:path') ?? logicalId;
  if (props.PackageType === 'Image') return `${label}: container image function, no handler source to index`;
  const handler = literalString(props.Handler, context);
  if (handler === undefined) return `${label}: no literal Handler`;
  const runtime = literalString(props.Runtime, context);
  const family = runtimeFamily(runtime);
  const parts = splitHandler(handler, family);
  const shape = functionNameShape(props.FunctionName, context, stack.stackName, logicalId);
  const templatePath = stack.templatePath;
  const entry: FunctionEntry = { id: `cdk:${templatePath}#${logicalId}`, framework: 'cdk', templatePath, logicalId, namePattern: shape.pattern, handler, handlerExport: parts.exportName };
  if (shape.literal !== undefined) entry.functionName = shape.literal;
  if (runtime !== undefined) entry.runtime = runtime;
  const logGroup = literalString(readRecord(props, 'LoggingConfig')?.LogGroup, context);
  if (logGroup !== undefined) entry.logGroup = logGroup;
  const buildDir = assetDir(metadata, templatePath);
  if (buildDir === undefined) return { entry, handlerCandidates: [], bundleCandidates: [] };
  entry.buildDir = buildDir;
  if (metadata['aws:asset:is-bundled'] === true) entry.build = { method: 'cdk-bundling' };
  const bundleCandidates = family === 'python' ? [`${parts.module}.py`] : family === 'other' ? [] : ['.js', '.mjs', '.cjs'].map((ext) => `${parts.module}${ext}`);
  if (bundleCandidates[0] !== undefined) entry.bundleFile = bundleCandidates[0];
  const sourceMapCandidates = family === 'python' ? [] : bundleCandidates.map((file) => `${file}.map`);
  return { entry, handlerCandidates: [], bundleCandidates, sourceMapCandidates };
}

/** Reads the Lambda functions of one stack template of the assembly. Never throws. */
export function parseCdkStackTemplate(text: string, stack: CdkStackRef): TemplateParseResult {
  const warnings: ProjectWarning[] = [];
  const functions: ParsedFunction[] = [];
  const parsed = parseCfnTemplate(text);
  for (const error of parsed.errors) warnings.push({ file: stack.templatePath, message: `cannot parse stack template: ${error}` });
  if (!isRecord(parsed.value)) return { functions, warnings };
  const known = { 'AWS::StackName': stack.stackName, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  const context = intrinsicContext(parsed.value, known);
  for (const [logicalId, resource] of Object.entries(readRecord(parsed.value, 'Resources') ?? {})) {
    if (!isRecord(resource) || resource.Type !== 'AWS::Lambda::Function') continue;
    const result = readCdkFunction({ logicalId, resource, stack, context });
    if (typeof result === 'string') warnings.push({ file: stack.templatePath, message: result });
    else functions.push(result);
  }
  return { functions, warnings };
}

/**
 * The original entry file named by a bundle's source map: the last source outside
 * `node_modules` (esbuild emits dependencies first and the entry module last), resolved against
 * the map's folder and `sourceRoot`. `undefined` when the map names no such file.
 */
export function entrySourceFromMap(mapText: string, mapPath: string): string | undefined {
  let map: unknown;
  try {
    map = JSON.parse(mapText) as unknown;
  } catch {
    return undefined;
  }
  if (!isRecord(map) || !Array.isArray(map.sources)) return undefined;
  const sourceRoot = readString(map, 'sourceRoot') ?? '';
  const own = map.sources.filter((s): s is string => typeof s === 'string' && !/(^|[\\/])node_modules[\\/]/.test(s) && (s.startsWith('file://') || !/^[a-z][a-z0-9+.-]*:/i.test(s)));
  const last = own[own.length - 1];
  if (last === undefined) return undefined;
  const path = last.startsWith('file://') ? decodeURIComponent(new URL(last).pathname) : last;
  return resolve(mapPath, '..', sourceRoot, path);
}
