/**
 * How long the project index takes to be ready on a workspace of 200 functions (4 SAM templates,
 * 2 Serverless services, a CDK assembly with 2 stacks), how long a single-template refresh takes,
 * and the cost of `findFunction` on a generated name. Exits 0 whatever the figures.
 * Run: node --import tsx bench/projectIndex.bench.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ProjectIndex } from '../src/local/projectIndex';

const PER_TEMPLATE = 25;
const RUNS = 7;

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

function samTemplate(app: number): string {
  const lines = ['Transform: AWS::Serverless-2016-10-31', 'Globals:', '  Function:', '    Runtime: nodejs20.x', '    Timeout: 10', 'Resources:'];
  for (let i = 0; i < PER_TEMPLATE; i++) {
    lines.push(
      `  Fn${app}x${i}Function:`, '    Type: AWS::Serverless::Function', '    Properties:',
      i % 2 === 0 ? `      FunctionName: !Sub "\${AWS::StackName}-fn-${i}"` : '      Description: !Ref AWS::StackName',
      '      CodeUri: ./', `      Handler: src/handlers/fn${i}.handler`,
      '      Environment:', '        Variables:', '          TABLE: !Ref Table', '          ARN: !GetAtt Table.Arn',
      '    Metadata:', '      BuildMethod: esbuild', '      BuildProperties:', '        Sourcemap: true', `        EntryPoints: [src/handlers/fn${i}.ts]`,
    );
  }
  lines.push('  Table:', '    Type: AWS::DynamoDB::Table');
  return `${lines.join('\n')}\n`;
}

function serverlessYml(service: number): string {
  const lines = [`service: svc-${service}`, 'provider:', '  name: aws', '  runtime: nodejs20.x', "  stage: ${opt:stage, 'dev'}", 'plugins:', '  - serverless-esbuild', 'functions:'];
  for (let i = 0; i < PER_TEMPLATE; i++) lines.push(`  fn${i}:`, `    handler: src/handlers/fn${i}.handler`);
  return `${lines.join('\n')}\n`;
}

function cdkStack(stack: number, root: string): string {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < PER_TEMPLATE; i++) {
    const asset = `asset.${stack}${String(i).padStart(63, '0')}`;
    write(join(root, 'cdk.out', asset, 'index.js'), 'exports.handler=async()=>1;\n');
    write(join(root, 'cdk.out', asset, 'index.js.map'), JSON.stringify({ version: 3, sources: [`../../lib/handlers/s${stack}fn${i}.ts`], mappings: '' }));
    write(join(root, 'lib', 'handlers', `s${stack}fn${i}.ts`), 'export const handler = async () => 1;\n');
    resources[`Fn${i}Handler${String(i).padStart(8, 'A')}`] = {
      Type: 'AWS::Lambda::Function',
      Properties: { Handler: 'index.handler', Runtime: 'nodejs20.x', Code: { S3Bucket: { 'Fn::Sub': 'cdk-${AWS::AccountId}' }, S3Key: 'x.zip' } },
      Metadata: { 'aws:cdk:path': `Stack${stack}/Fn${i}/Resource`, 'aws:asset:path': asset, 'aws:asset:is-bundled': true, 'aws:asset:property': 'Code' },
    };
  }
  return JSON.stringify({ Resources: resources }, null, 1);
}

function makeWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'sl-bench-index-'));
  for (let app = 0; app < 4; app++) {
    write(join(root, 'services', `app${app}`, 'template.yaml'), samTemplate(app));
    for (let i = 0; i < PER_TEMPLATE; i++) {
      write(join(root, 'services', `app${app}`, 'src', 'handlers', `fn${i}.ts`), 'export const handler = async () => 1;\n');
      write(join(root, 'services', `app${app}`, '.aws-sam', 'build', `Fn${app}x${i}Function`, `fn${i}.js`), 'exports.handler=async()=>1;\n');
    }
  }
  for (let service = 0; service < 2; service++) {
    write(join(root, 'sls', `svc${service}`, 'serverless.yml'), serverlessYml(service));
    for (let i = 0; i < PER_TEMPLATE; i++) write(join(root, 'sls', `svc${service}`, 'src', 'handlers', `fn${i}.ts`), 'export const handler = async () => 1;\n');
  }
  const cdk = join(root, 'infra');
  const artifacts: Record<string, unknown> = {};
  for (let stack = 0; stack < 2; stack++) {
    write(join(cdk, 'cdk.out', `Stack${stack}.template.json`), cdkStack(stack, cdk));
    artifacts[`Stack${stack}`] = { type: 'aws:cloudformation:stack', properties: { templateFile: `Stack${stack}.template.json` } };
  }
  write(join(cdk, 'cdk.out', 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts }));
  return root;
}

async function main(): Promise<void> {
  const root = makeWorkspace();
  try {
    const cold: number[] = [];
    let functions = 0;
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      const index = new ProjectIndex([root]);
      await index.ready();
      cold.push(performance.now() - start);
      functions = index.snapshot().functions.length;
    }
    const index = new ProjectIndex([root]);
    await index.ready();
    const template = join(root, 'services', 'app1', 'template.yaml');
    const refresh: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      write(template, samTemplate(1).replace('Timeout: 10', `Timeout: ${11 + run}`));
      const start = performance.now();
      await index.refresh(template);
      refresh.push(performance.now() - start);
    }
    const lookups = 1000;
    const start = performance.now();
    for (let i = 0; i < lookups; i++) index.findFunction(`arn:aws:lambda:eu-west-1:123456789012:function:stack-Fn2x${i % PER_TEMPLATE}Function-ABCDEF123456`);
    const perLookup = (performance.now() - start) / lookups;
    const results = { functions, coldFirstMs: round(cold[0] ?? 0), coldMedianMs: round(median(cold)), refreshMedianMs: round(median(refresh)), findFunctionMs: Math.round(perLookup * 1000) / 1000 };
    console.log(`bench project-index ready (cold, ${functions} functions): ${results.coldMedianMs.toFixed(1)} ms median of ${RUNS} (first ${results.coldFirstMs.toFixed(1)} ms)`);
    console.log(`bench project-index refresh one SAM template (25 functions): ${results.refreshMedianMs.toFixed(1)} ms median of ${RUNS}`);
    console.log(`bench project-index findFunction on a generated name: ${results.findFunctionMs.toFixed(3)} ms per lookup`);
    const outDir = new URL('../.bench/', import.meta.url);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(new URL('project-index.json', outDir), `${JSON.stringify({ name: 'project-index', results }, null, 2)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  // A benchmark reports; it never fails the run.
  console.log(`bench project-index failed: ${error instanceof Error ? error.message : String(error)}`);
});
