/**
 * The demo app as the Lambda-like runtime needs it, read from examples/template.yaml and
 * samconfig.toml with the same parser the project index uses (so the names the runtime reports
 * are the names the extension matches): each function's deployed name, ARN, build output,
 * timeout, memory, environment, trigger and whether it is traced with X-Ray or OpenTelemetry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCfnTemplate } from '../../src/core/templates/cfnYaml';
import { parseSamTemplate } from '../../src/core/templates/samTemplate';
import { samStackName } from '../../src/local/projectResolve';

export const DEMO_ACCOUNT = '123456789012';
export const DEMO_REGION = 'us-east-1';

export type Trigger = { kind: 'api'; path: string; method: string } | { kind: 'sqs'; queue: string; batchSize: number };

export interface DemoFunction {
  logicalId: string;
  /** The deployed name (`orders-demo-api`). */
  name: string;
  arn: string;
  /** The export the runtime calls (`handler`). */
  handlerExport: string;
  /** `.aws-sam/build/<LogicalId>`, what Lambda unpacks under `/var/task`. */
  buildDir: string;
  bundleFile: string;
  entryPoint: string;
  external: string[];
  minify: boolean;
  sourcemap: boolean;
  target: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  /** `otel` when the ADOT wrapper is configured (AWS_LAMBDA_EXEC_WRAPPER), else the X-Ray SDK with active tracing. */
  tracing: 'xray' | 'otel';
  trigger: Trigger | undefined;
}

export interface DemoQueue {
  logicalId: string;
  name: string;
  url: string;
  arn: string;
}

export interface DemoApp {
  dir: string;
  stackName: string;
  functions: DemoFunction[];
  queues: DemoQueue[];
  /** Table logical id → name. */
  tables: Map<string, string>;
}

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export async function loadDemoApp(dir: string, overrides: { parameters?: Record<string, string> } = {}): Promise<DemoApp> {
  const templatePath = join(dir, 'template.yaml');
  const text = readFileSync(templatePath, 'utf8');
  const { stackName } = await samStackName(dir);
  if (stackName === undefined) throw new Error(`no stack_name in ${dir}/samconfig.toml`);
  const template = asRecord(parseCfnTemplate(text).value);
  const resources = asRecord(template.Resources);
  const globals = asRecord(asRecord(template.Globals).Function);
  const parameters: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(asRecord(template.Parameters))) {
    const value = asRecord(parameter).Default;
    if (typeof value === 'string') parameters[name] = value;
  }
  Object.assign(parameters, overrides.parameters);

  const queues: DemoQueue[] = [];
  const tables = new Map<string, string>();
  const known: Record<string, string> = { 'AWS::StackName': stackName, 'AWS::Region': DEMO_REGION, 'AWS::AccountId': DEMO_ACCOUNT, 'AWS::Partition': 'aws' };
  const sub = (value: unknown): string => {
    const template = typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
    return template.replace(/\$\{([^}]+)\}/g, (_all, name: string) => known[name] ?? parameters[name] ?? `\${${name}}`);
  };
  const literal = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : 'Fn::Sub' in asRecord(value) ? sub(asRecord(value)['Fn::Sub']) : fallback);

  for (const [logicalId, resource] of Object.entries(resources)) {
    const { Type: type, Properties: props } = asRecord(resource);
    if (type === 'AWS::SQS::Queue') {
      const name = literal(asRecord(props).QueueName, `${stackName}-${logicalId}`);
      queues.push({ logicalId, name, url: `https://sqs.${DEMO_REGION}.amazonaws.com/${DEMO_ACCOUNT}/${name}`, arn: `arn:aws:sqs:${DEMO_REGION}:${DEMO_ACCOUNT}:${name}` });
    } else if (type === 'AWS::Serverless::SimpleTable' || type === 'AWS::DynamoDB::Table') {
      tables.set(logicalId, literal(asRecord(props).TableName, `${stackName}-${logicalId}`));
    }
  }

  const resolveValue = (value: unknown): string => {
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    const record = asRecord(value);
    if (typeof record.Ref === 'string') {
      const ref = record.Ref;
      const queue = queues.find((q) => q.logicalId === ref);
      if (queue) return queue.url;
      return tables.get(ref) ?? parameters[ref] ?? known[ref] ?? ref;
    }
    if ('Fn::Sub' in record) return sub(record['Fn::Sub']);
    const getAtt = record['Fn::GetAtt'];
    const [target, attribute] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split('.') : [];
    const queue = queues.find((q) => q.logicalId === target);
    if (queue && attribute === 'Arn') return queue.arn;
    if (queue && attribute === 'QueueName') return queue.name;
    return '';
  };

  const parsed = parseSamTemplate(text, templatePath, { stackName });
  const functions: DemoFunction[] = [];
  for (const { entry } of parsed.functions) {
    const resource = asRecord(resources[entry.logicalId]);
    const props = { ...globals, ...asRecord(resource.Properties) };
    const buildProps = asRecord(asRecord(resource.Metadata).BuildProperties);
    if (entry.functionName === undefined || entry.buildDir === undefined || entry.bundleFile === undefined) {
      throw new Error(`${entry.logicalId}: the demo needs a literal FunctionName and an esbuild build`);
    }
    const environment: Record<string, string> = {};
    for (const source of [asRecord(asRecord(globals.Environment).Variables), asRecord(asRecord(asRecord(resource.Properties).Environment).Variables)]) {
      for (const [key, value] of Object.entries(source)) environment[key] = resolveValue(value);
    }
    const entryPoint = asStrings(buildProps.EntryPoints)[0];
    if (entryPoint === undefined) throw new Error(`${entry.logicalId}: no Metadata.BuildProperties.EntryPoints`);
    functions.push({
      logicalId: entry.logicalId,
      name: entry.functionName,
      arn: `arn:aws:lambda:${DEMO_REGION}:${DEMO_ACCOUNT}:function:${entry.functionName}`,
      handlerExport: entry.handlerExport,
      buildDir: entry.buildDir,
      bundleFile: entry.bundleFile,
      entryPoint,
      external: asStrings(buildProps.External),
      minify: buildProps.Minify !== false,
      sourcemap: buildProps.Sourcemap === true,
      target: typeof buildProps.Target === 'string' ? buildProps.Target : 'es2020',
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
      environment,
      tracing: environment.AWS_LAMBDA_EXEC_WRAPPER === '/opt/otel-handler' ? 'otel' : 'xray',
      trigger: triggerOf(asRecord(props.Events), resolveValue, queues),
    });
  }
  return { dir, stackName, functions, queues, tables };
}

function triggerOf(events: Json, resolveValue: (value: unknown) => string, queues: DemoQueue[]): Trigger | undefined {
  for (const event of Object.values(events)) {
    const { Type: type, Properties: raw } = asRecord(event);
    const props = asRecord(raw);
    if (type === 'Api' || type === 'HttpApi') return { kind: 'api', path: String(props.Path ?? '/'), method: String(props.Method ?? 'get').toUpperCase() };
    if (type === 'SQS') {
      const arn = resolveValue(props.Queue);
      const queue = queues.find((q) => q.arn === arn);
      if (queue) return { kind: 'sqs', queue: queue.url, batchSize: Number(props.BatchSize ?? 10) };
    }
  }
  return undefined;
}
