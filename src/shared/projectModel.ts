/**
 * What the extension knows about the serverless project in the workspace: one entry per Lambda
 * function found in a SAM/CloudFormation template, a `serverless.yml`, or a CDK cloud assembly.
 * Plain data (structured-clone safe) so the host, the lenses and the webview can share it.
 */

export type FunctionFramework = 'sam' | 'serverless' | 'cdk';

export interface FunctionBuild {
  /** `esbuild` (SAM BuildMethod), `serverless-esbuild`, `serverless-esbuild-v4`, `serverless-plugin-typescript`, `serverless-webpack`, … */
  method?: string;
  minify?: boolean;
  sourcemap?: boolean;
  /** Entry points as written, relative to the code folder. */
  entryPoints?: string[];
  /** `esm` or `cjs` when the build says so. */
  format?: string;
  /** esbuild `outExtension`, e.g. `{ ".js": ".mjs" }`. */
  outExtension?: Record<string, string>;
}

export interface FunctionEntry {
  /** Stable across refreshes: `${framework}:${templatePath}#${logicalId}`. */
  id: string;
  framework: FunctionFramework;
  /** Absolute path of the template (`template.yaml`, `serverless.yml`, or the CDK stack template). */
  templatePath: string;
  /** CloudFormation logical id; for the Serverless Framework, the key under `functions:`. */
  logicalId: string;
  /** Exact deployed name when the template sets it (FunctionName literal / resolvable !Sub), else undefined. */
  functionName?: string;
  /**
   * RegExp source (anchored) matching deployed names when the name is generated
   * (SAM/CloudFormation `<stack>-<LogicalId>-<random>`, Serverless `<service>-<stage>-<name>`,
   * CDK `<Stack>-<ConstructIdNoDashes>…-<random>`). Always set: for a literal name it matches that name.
   */
  namePattern: string;
  runtime?: string;
  /** As written, e.g. `src/handlers/app.lambdaHandler`. */
  handler: string;
  /** The exported function the runtime calls, e.g. `lambdaHandler` (may be dotted: `handlers.main`). */
  handlerExport: string;
  /** Absolute path of the handler source file when found (.ts/.mts/.tsx preferred over .js/.mjs/.cjs; .py for Python). */
  handlerFile?: string;
  /** Absolute build output folder (what Lambda unpacks under `/var/task`), whether or not it exists yet. */
  buildDir?: string;
  /** Bundle file path inside buildDir (e.g. `app.js`, `index.mjs`); the file found on disk when the build exists, else the expected name. */
  bundleFile?: string;
  build?: FunctionBuild;
  /** Custom `LoggingConfig.LogGroup` when literal; otherwise the log group is `/aws/lambda/<name>`. */
  logGroup?: string;
}

export interface ProjectWarning {
  /** Absolute path of the file the warning is about. */
  file: string;
  message: string;
}

export interface ProjectIndexSnapshot {
  /** Sorted by id, so two snapshots of the same project compare equal. */
  functions: FunctionEntry[];
  warnings: ProjectWarning[];
}

/**
 * What a pure template parser returns for one function: the entry (without filesystem checks)
 * and the files the local layer should look for, in order of preference.
 */
export interface ParsedFunction {
  entry: FunctionEntry;
  /** Absolute paths; the first that exists becomes `handlerFile`. */
  handlerCandidates: string[];
  /** Paths relative to `buildDir`; the first that exists becomes `bundleFile`. */
  bundleCandidates: string[];
  /** Set for CDK assets: read the `sources` of these maps (relative to `buildDir`) to find the original entry file. */
  sourceMapCandidates?: string[];
}

export interface TemplateParseResult {
  functions: ParsedFunction[];
  warnings: ProjectWarning[];
}
