/**
 * Lambda's GetFunctionConfiguration and ListFunctions for the local endpoint. Wire rules (from the
 * SDK's REST-JSON protocol for Lambda, `dist-cjs`): `GET /2015-03-31/functions/{FunctionName}/configuration`
 * (name, ARN or partial ARN, URL-encoded; optional `?Qualifier=`), `GET /2015-03-31/functions`
 * with `?Marker=&MaxItems=` (1–50) answering `{ Functions, NextMarker }`, PascalCase members,
 * errors as `{ Type, message }` with the type in `x-amzn-errortype` (404 ResourceNotFoundException).
 */
import { ApiError } from './localXRayHandlers';

/** The part of `FunctionConfiguration` tests set; the handler fills in the rest. */
export interface LocalFunctionConfiguration {
  LoggingConfig?: {
    LogFormat?: 'Text' | 'JSON';
    LogGroup?: string;
    ApplicationLogLevel?: string;
    SystemLogLevel?: string;
  };
  Timeout?: number;
  MemorySize?: number;
  Runtime?: string;
}

export const LAMBDA_CONFIGURATION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/configuration$/;
export const LAMBDA_FUNCTIONS_PATH = /^\/2015-03-31\/functions\/?$/;

function nameOf(pathName: string): string {
  const decoded = decodeURIComponent(pathName);
  // arn:aws:lambda:region:account:function:name[:qualifier] or account:function:name.
  return /(?:^|:)function:([^:]+)/.exec(decoded)?.[1] ?? decoded;
}

export class LambdaHandlers {
  private readonly functions = new Map<string, LocalFunctionConfiguration>();

  /** Replaces every function; asking for another one is ResourceNotFound. */
  setFunctionConfigurations(configurations: Readonly<Record<string, LocalFunctionConfiguration>>): void {
    this.functions.clear();
    for (const [name, configuration] of Object.entries(configurations)) this.functions.set(name, configuration);
  }

  /** Adds (or replaces) these functions, keeping the others (the extension-host tests' control endpoint). */
  addFunctionConfigurations(configurations: Readonly<Record<string, LocalFunctionConfiguration>>): void {
    for (const [name, configuration] of Object.entries(configurations)) this.functions.set(name, configuration);
  }

  /** `path` is the request path without the query string. */
  getFunctionConfiguration(path: string): Record<string, unknown> {
    const match = LAMBDA_CONFIGURATION_PATH.exec(path);
    const name = match?.[1] !== undefined ? nameOf(match[1]) : '';
    const configuration = this.functions.get(name);
    if (configuration === undefined) {
      throw new ApiError(404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${name}`);
    }
    return this.configurationOf(name, configuration);
  }

  /** One page of functions in name order; `Marker` is the index of the page's first function. */
  listFunctions(url: string): Record<string, unknown> {
    const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    const maxItems = query.has('MaxItems') ? Number(query.get('MaxItems')) : 50;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10_000) {
      throw new ApiError(400, 'InvalidParameterValueException', 'MaxItems must be between 1 and 10000.');
    }
    const marker = query.get('Marker');
    const start = marker === null ? 0 : Number(marker);
    if (!Number.isInteger(start) || start < 0) throw new ApiError(400, 'InvalidParameterValueException', 'Invalid Marker.');
    const names = [...this.functions.keys()].sort();
    const page = names.slice(start, start + Math.min(maxItems, 50));
    const functions = page.map((name) => this.configurationOf(name, this.functions.get(name) as LocalFunctionConfiguration));
    const next = start + page.length;
    return next < names.length ? { Functions: functions, NextMarker: String(next) } : { Functions: functions };
  }

  private configurationOf(name: string, configuration: LocalFunctionConfiguration): Record<string, unknown> {
    return {
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      Runtime: configuration.Runtime ?? 'nodejs20.x',
      Timeout: configuration.Timeout ?? 3,
      MemorySize: configuration.MemorySize ?? 128,
      Version: '$LATEST',
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}`, ...configuration.LoggingConfig },
    };
  }
}
