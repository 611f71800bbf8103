import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { functionNameOf } from '../../../src/local/functionMatch';
import { ProjectIndex } from '../../../src/local/projectIndex';
import type { FunctionEntry } from '../../../src/shared/projectModel';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'templates');
const ASSET = 'asset.7c3e9a41d2b85f06e1a4c7d93b2f5e80a6d1c4b7e9f203a58d6c1b4e7a9f2d30';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A workspace made from the fixtures, with the build output the tools would have produced. */
function makeWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'sl-project-index-'));
  cpSync(FIXTURES, root, { recursive: true });
  write(join(root, 'sam-app/.aws-sam/build/OrdersFunction/orders.js'), '"use strict";exports.lambdaHandler=async()=>1;\n//# sourceMappingURL=orders.js.map\n');
  write(join(root, 'sam-app/.aws-sam/build/OrdersFunction/orders.js.map'), '{"version":3,"sources":["../../../src/handlers/orders.ts"],"mappings":""}');
  write(join(root, 'sam-app/.aws-sam/build/PaymentsFunction/payments.mjs'), 'export const handler = async () => {};\n');
  write(join(root, 'sam-app/.aws-sam/build/template.yaml'), 'Resources:\n  Copy:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.b\n');
  write(join(root, 'serverless-app/.esbuild/.build/src/handlers/createOrder.js'), 'exports.handler = async () => {};\n');
  // Templates that must not be indexed: dependencies, and deeper than the walk goes.
  write(join(root, 'node_modules/some-lib/template.yaml'), 'Resources:\n  Lib:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.b\n');
  write(join(root, 'a/b/c/d/e/f/g/template.yaml'), 'Resources:\n  Deep:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.b\n');
  return root;
}

function byLogicalId(index: ProjectIndex, logicalId: string): FunctionEntry {
  const entry = index.snapshot().functions.find((item) => item.logicalId === logicalId);
  assert.ok(entry, `${logicalId} is indexed`);
  return entry;
}

describe('ProjectIndex over a workspace made from the fixtures', () => {
  let root = '';
  let index: ProjectIndex;

  before(async () => {
    root = makeWorkspace();
    index = new ProjectIndex([root]);
    await index.ready();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('discovers SAM, Serverless and CDK functions, and nothing from node_modules, build output or too deep', () => {
    const ids = index.snapshot().functions.map((entry) => `${entry.framework}:${entry.logicalId}`);
    assert.deepEqual(ids.sort(), [
      'cdk:AuditFunction0C4D2A91', 'cdk:OrdersHandler5E1B8F3A',
      'sam:LegacySyncFunction', 'sam:OrdersFunction', 'sam:PaymentsFunction', 'sam:ReportsFunction',
      'serverless:createOrder', 'serverless:fulfil', 'serverless:listOrders',
    ]);
    assert.ok(index.snapshot().warnings.some((w) => w.message.includes('nested application')));
  });

  test('samconfig.toml gives the stack name, so the !Sub FunctionName is exact', () => {
    assert.equal(byLogicalId(index, 'OrdersFunction').functionName, 'orders-service-orders');
  });

  test('handler files resolve to the TypeScript and Python sources', () => {
    assert.equal(byLogicalId(index, 'OrdersFunction').handlerFile, join(root, 'sam-app/src/handlers/orders.ts'));
    assert.equal(byLogicalId(index, 'PaymentsFunction').handlerFile, join(root, 'sam-app/src/handlers/payments.ts'));
    assert.equal(byLogicalId(index, 'ReportsFunction').handlerFile, join(root, 'sam-app/python/app.py'));
    assert.equal(byLogicalId(index, 'createOrder').handlerFile, join(root, 'serverless-app/src/handlers/createOrder.ts'));
    assert.equal(byLogicalId(index, 'fulfil').handlerFile, undefined, 'its handler file does not exist');
    assert.equal(byLogicalId(index, 'LegacySyncFunction').handlerFile, undefined, 'code lives in S3');
  });

  test('a CDK NodejsFunction resolves through its asset source map to lib/handlers/orders.ts', () => {
    const entry = byLogicalId(index, 'OrdersHandler5E1B8F3A');
    assert.equal(entry.handlerFile, join(root, 'cdk-app/lib/handlers/orders.ts'));
    assert.equal(entry.buildDir, join(root, 'cdk-app/cdk.out', ASSET));
    assert.equal(entry.bundleFile, 'index.js');
    assert.equal(entry.build?.sourcemap, true);
  });

  test('bundle files are the ones built', () => {
    assert.equal(byLogicalId(index, 'OrdersFunction').bundleFile, 'orders.js');
    assert.equal(byLogicalId(index, 'PaymentsFunction').bundleFile, 'payments.mjs');
    assert.equal(byLogicalId(index, 'createOrder').bundleFile, 'src/handlers/createOrder.js');
  });

  test('findFunction by ARN (with alias or version), generated name, custom name and log group', () => {
    const find = (query: string): string | undefined => index.findFunction(query)?.logicalId;
    assert.equal(find('arn:aws:lambda:eu-west-1:123456789012:function:orders-service-orders:live'), 'OrdersFunction');
    assert.equal(find('arn:aws:lambda:eu-west-1:123456789012:function:orders-service-orders:7'), 'OrdersFunction');
    assert.equal(find('orders-service-PaymentsFunction-1X2Y3Z4W5V6U'), 'PaymentsFunction');
    assert.equal(find('orders-api-prod-createOrder'), 'createOrder', 'any stage matches the pattern');
    assert.equal(find('orders-api-dev-list-orders-v2'), 'listOrders');
    assert.equal(find('orders-audit'), 'AuditFunction0C4D2A91');
    assert.equal(find('arn:aws:lambda:us-east-1:123456789012:function:orders-cdk-prod-OrdersHandler5E1B8F3A-Q1W2E3R4T5Y6'), 'OrdersHandler5E1B8F3A');
    assert.equal(find('/aws/lambda/prod-reports'), 'ReportsFunction');
    assert.equal(find('unrelated-function'), undefined);
    assert.equal(find('not a name'), undefined);
  });

  test('a logical id inside a name is the weakest evidence, ranked below pattern matches', () => {
    const matches = index.findFunctions('someone-elses-stack-ReportsFunction-ABC');
    assert.equal(matches[0]?.entry.logicalId, 'ReportsFunction');
    assert.equal(matches[0]?.reason, 'logicalId');
    assert.equal(index.findFunctions('orders-service-orders')[0]?.reason, 'functionName');
  });

  test('findByHandlerFile', () => {
    const entries = index.findByHandlerFile(join(root, 'sam-app/src/handlers/payments.ts'));
    assert.deepEqual(entries.map((entry) => entry.logicalId), ['PaymentsFunction']);
    assert.deepEqual(index.findByHandlerFile(join(root, 'sam-app/src/lib/orders.ts')), []);
  });

  test('isRelevant tells the host which watcher events matter', () => {
    assert.equal(index.isRelevant(join(root, 'sam-app/template.yaml')), true);
    assert.equal(index.isRelevant(join(root, 'sam-app/samconfig.toml')), true);
    assert.equal(index.isRelevant(join(root, 'sam-app/.aws-sam/build/OrdersFunction/orders.js')), true);
    assert.equal(index.isRelevant(join(root, 'newapp/serverless.yaml')), true);
    assert.equal(index.isRelevant(join(root, 'sam-app/src/lib/orders.ts')), false);
  });
});

describe('ProjectIndex.refresh', () => {
  let root = '';
  after(() => rmSync(root, { recursive: true, force: true }));

  test('re-reads only the template that changed', async () => {
    root = makeWorkspace();
    const index = new ProjectIndex([root]);
    await index.ready();
    const before = index.snapshot();
    const templatePath = join(root, 'sam-app/template.yaml');
    write(templatePath, readFileSync(templatePath, 'utf8').replace('Handler: src/handlers/payments.handler', 'Handler: src/handlers/payments.processPayment'));
    await index.refresh(templatePath);
    assert.equal(byLogicalId(index, 'PaymentsFunction').handlerExport, 'processPayment');
    const cdkBefore = before.functions.find((entry) => entry.logicalId === 'OrdersHandler5E1B8F3A');
    assert.equal(byLogicalId(index, 'OrdersHandler5E1B8F3A'), cdkBefore, 'other sources keep their entries');
  });

  test('a handler file created later is found without re-reading the template', async () => {
    const index = new ProjectIndex([root]);
    await index.ready();
    const slsPath = join(root, 'serverless-app/serverless.yml');
    const original = readFileSync(slsPath, 'utf8');
    // Changed on disk but not reported: a handler-file event must not re-parse the template.
    write(slsPath, original.replace('handler: src/fulfil.run', 'handler: src/fulfil.start'));
    write(join(root, 'serverless-app/src/fulfil.ts'), 'export async function run() {}\n');
    assert.equal(index.isRelevant(join(root, 'serverless-app/src/fulfil.ts')), true);
    await index.refresh(join(root, 'serverless-app/src/fulfil.ts'));
    const fulfil = byLogicalId(index, 'fulfil');
    assert.equal(fulfil.handlerFile, join(root, 'serverless-app/src/fulfil.ts'));
    assert.equal(fulfil.handlerExport, 'run');
    write(slsPath, original);
  });

  test('follows samconfig, new and deleted templates, new folders, and builds that appear', async () => {
    const index = new ProjectIndex([root]);
    await index.ready();
    write(join(root, 'sam-app/samconfig.toml'), 'version = 0.1\n[default.global.parameters]\nstack_name = "orders-v2"\n');
    await index.refresh(join(root, 'sam-app/samconfig.toml'));
    assert.equal(byLogicalId(index, 'OrdersFunction').functionName, 'orders-v2-orders');

    rmSync(join(root, 'serverless-app/serverless.yml'));
    await index.refresh(join(root, 'serverless-app/serverless.yml'));
    assert.equal(index.snapshot().functions.some((entry) => entry.framework === 'serverless'), false);

    write(join(root, 'billing/api/template.yml'), 'Resources:\n  ChargeFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.13\n      CodeUri: src/\n      Handler: charge.handler\n');
    write(join(root, 'billing/api/src/charge.py'), 'def handler(event, context):\n    return 1\n');
    await index.refresh(join(root, 'billing'));
    assert.equal(byLogicalId(index, 'ChargeFunction').handlerFile, join(root, 'billing/api/src/charge.py'));

    write(join(root, 'billing/api/.aws-sam/build/ChargeFunction/charge.py'), 'def handler(event, context):\n    return 1\n');
    assert.ok(index.isRelevant(join(root, 'billing/api/.aws-sam/build/ChargeFunction/charge.py')));
    await index.refresh(join(root, 'billing/api/.aws-sam/build/ChargeFunction/charge.py'));
    assert.equal(byLogicalId(index, 'ChargeFunction').bundleFile, 'charge.py');

    rmSync(join(root, 'billing'), { recursive: true });
    await index.refresh(join(root, 'billing'));
    assert.equal(index.snapshot().functions.some((entry) => entry.logicalId === 'ChargeFunction'), false);
  });

  test('a template broken mid-edit gives a warning, and the fix brings its functions back', async () => {
    const index = new ProjectIndex([root]);
    await index.ready();
    const templatePath = join(root, 'sam-app/template.yaml');
    const good = readFileSync(templatePath, 'utf8');
    write(templatePath, `${good}\n  Broken: [unclosed\n`);
    await Promise.all([index.refresh(templatePath), index.refresh(templatePath)]);
    assert.ok(index.snapshot().warnings.some((w) => w.file === templatePath && w.message.startsWith('cannot parse template')));
    write(templatePath, good);
    await index.refresh(templatePath);
    assert.ok(!index.snapshot().warnings.some((w) => w.message.startsWith('cannot parse template')));
    assert.equal(byLogicalId(index, 'OrdersFunction').handlerExport, 'lambdaHandler');
  });

  test('functionNameOf reads ARNs, qualified names and log groups', () => {
    assert.equal(functionNameOf('arn:aws-cn:lambda:cn-north-1:123456789012:function:fn-1:$LATEST'), 'fn-1');
    assert.equal(functionNameOf('fn-1:prod'), 'fn-1');
    assert.equal(functionNameOf('/aws/lambda/fn-1'), 'fn-1');
    assert.equal(functionNameOf('arn:aws:s3:::bucket'), undefined);
  });
});
