import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { entrySourceFromMap, parseCdkManifest, parseCdkStackTemplate } from '../../../src/core/templates/cdkAssembly';
import { intrinsicParts, nameShape, parseCfnTemplate } from '../../../src/core/templates/cfnYaml';
import { generatedNamePattern, parseSamTemplate, splitHandler } from '../../../src/core/templates/samTemplate';
import { parseServerlessTemplate } from '../../../src/core/templates/serverlessTemplate';
import type { ParsedFunction, TemplateParseResult } from '../../../src/shared/projectModel';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'templates');
const SAM_PATH = join(FIXTURES, 'sam-app', 'template.yaml');
const SLS_PATH = join(FIXTURES, 'serverless-app', 'serverless.yml');
const CDK_MANIFEST = join(FIXTURES, 'cdk-app', 'cdk.out', 'manifest.json');
const read = (path: string): string => readFileSync(path, 'utf8');

function fn(result: TemplateParseResult, logicalId: string): ParsedFunction {
  const found = result.functions.find((item) => item.entry.logicalId === logicalId);
  assert.ok(found, `${logicalId} is indexed`);
  return found;
}

const matches = (pattern: string, name: string): boolean => new RegExp(pattern).test(name);

describe('parseCfnTemplate: short-form tags become the long form', () => {
  const cases: Array<[string, unknown]> = [
    ['!Ref Bucket', { Ref: 'Bucket' }],
    ['!Sub "arn:${AWS::Partition}:s3:::${Bucket}"', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}' }],
    ['!Sub ["${A}-x", {A: !Ref B}]', { 'Fn::Sub': ['${A}-x', { A: { Ref: 'B' } }] }],
    ['!GetAtt Table.StreamArn', { 'Fn::GetAtt': ['Table', 'StreamArn'] }],
    ['!GetAtt Db.Endpoint.Address', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }],
    ['!GetAtt [Queue, Arn]', { 'Fn::GetAtt': ['Queue', 'Arn'] }],
    ['!Join ["-", [a, !Ref B]]', { 'Fn::Join': ['-', ['a', { Ref: 'B' }]] }],
    ['!Select [1, !Split [",", "a,b"]]', { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b'] }] }],
    ['!If [IsProd, 3, 1]', { 'Fn::If': ['IsProd', 3, 1] }],
    ['!Equals [!Ref Stage, prod]', { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }],
    ['!Not [!Condition IsProd]', { 'Fn::Not': [{ Condition: 'IsProd' }] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or [!Condition A, !Condition B]', { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!FindInMap [Map, !Ref Stage, Size]', { 'Fn::FindInMap': ['Map', { Ref: 'Stage' }, 'Size'] }],
    ['!Base64 "echo hi"', { 'Fn::Base64': 'echo hi' }],
    ['!Cidr [10.0.0.0/16, 4, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
    ['!ImportValue shared-vpc', { 'Fn::ImportValue': 'shared-vpc' }],
    ["!GetAZs ''", { 'Fn::GetAZs': '' }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    ['!Transform {Name: "AWS::Include", Parameters: {Location: s3://b/k}}', { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } }],
  ];
  for (const [yaml, expected] of cases) {
    test(yaml, () => {
      const result = parseCfnTemplate(`Value: ${yaml}\n`);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(result.value, { Value: expected });
    });
  }

  test('block forms of !Sub and !And, and anchors on tagged values', () => {
    const text = 'A: !Sub\n  - "${X}-y"\n  - X: !Ref Z\nB: !And\n  - !Condition P\n  - !Condition Q\nC: &name !Ref Stage\nD: *name\n';
    assert.deepEqual(parseCfnTemplate(text).value, {
      A: { 'Fn::Sub': ['${X}-y', { X: { Ref: 'Z' } }] },
      B: { 'Fn::And': [{ Condition: 'P' }, { Condition: 'Q' }] },
      C: { Ref: 'Stage' },
      D: { Ref: 'Stage' },
    });
  });

  test('the SAM fixture, which uses every short-form tag, parses without errors', () => {
    const result = parseCfnTemplate(read(SAM_PATH));
    assert.deepEqual(result.errors, []);
    const text = read(SAM_PATH);
    for (const tag of ['Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'Split', 'If', 'Equals', 'Not', 'And', 'Or', 'FindInMap', 'Base64', 'Cidr', 'ImportValue', 'GetAZs', 'Condition', 'Transform']) {
      assert.ok(text.includes(`!${tag} `) || text.includes(`!${tag}\n`), `fixture uses !${tag}`);
    }
  });

  test('JSON templates, JSON with a trailing comma, and a byte-order mark', () => {
    assert.deepEqual(parseCfnTemplate('{"Resources": {"A": {"Type": "X"}}}').value, { Resources: { A: { Type: 'X' } } });
    assert.deepEqual(parseCfnTemplate('{"a": 1,}').value, { a: 1 });
    assert.deepEqual(parseCfnTemplate('\uFEFFa: 1\n').value, { a: 1 });
  });

  test('malformed YAML returns errors instead of throwing', () => {
    for (const text of ['a: [1, 2\n', 'a: b: c\n', 'Resources:\n  Fn:\n    Type: !Ref\n  - x\n', '{"a": ', '\t- :', 'a: &x [*x]\n']) {
      const result = parseCfnTemplate(text);
      assert.ok(Array.isArray(result.errors));
      if (text.startsWith('a: &x')) assert.deepEqual(result.value, { a: [null] }, 'a cycle is cut, not followed');
    }
    assert.ok(parseCfnTemplate('a: [1, 2\n').errors.length > 0);
    assert.ok(parseCfnTemplate('{"a": ').errors.length > 0);
  });
});

describe('deployed names', () => {
  const context = { known: {}, defaults: { Stage: 'dev' } };

  test('!Sub with the stack name is a pattern, not a name, until the stack is known', () => {
    const shape = nameShape(intrinsicParts({ 'Fn::Sub': '${AWS::StackName}-orders' }, context));
    assert.equal(shape.literal, undefined);
    assert.ok(matches(shape.pattern, 'shop-prod-orders'));
    assert.ok(!matches(shape.pattern, 'shop-prod-orders-v2'));
    const known = nameShape(intrinsicParts({ 'Fn::Sub': '${AWS::StackName}-orders' }, { known: { 'AWS::StackName': 'shop' }, defaults: {} }));
    assert.equal(known.literal, 'shop-orders');
  });

  test('a parameter default gives the likely name; the pattern accepts any value', () => {
    const shape = nameShape(intrinsicParts({ 'Fn::Join': ['-', [{ Ref: 'Stage' }, 'reports']] }, context));
    assert.equal(shape.literal, 'dev-reports');
    assert.ok(matches(shape.pattern, 'prod-reports'));
  });

  test('generated names match with and without CloudFormation truncation', () => {
    const pattern = generatedNamePattern('orders-service-with-a-long-name', 'PaymentsProcessingFunction');
    assert.ok(matches(pattern, 'orders-service-with-a-long-name-PaymentsProcessingFunction-1A2B3C4D5E6F'));
    assert.ok(matches(pattern, 'orders-service-with-a-l-PaymentsProcessingFun-1A2B3C4D5E6F'));
    assert.ok(!matches(pattern, 'orders-service-with-a-long-name-OrdersFunction-1A2B3C4D5E6F'));
    assert.ok(matches(generatedNamePattern(undefined, 'HelloWorldFunction'), 'sam-app-HelloWorldFunction-AbCdEf123456'));
  });

  test('handlers split the way each runtime splits them', () => {
    assert.deepEqual(splitHandler('src/handlers/app.lambdaHandler', 'node'), { module: 'src/handlers/app', exportName: 'lambdaHandler' });
    assert.deepEqual(splitHandler('index.handlers.main', 'node'), { module: 'index', exportName: 'handlers.main' });
    assert.deepEqual(splitHandler('pkg.orders.app.handler', 'python'), { module: 'pkg/orders/app', exportName: 'handler' });
    assert.deepEqual(splitHandler('bootstrap', 'other'), { module: 'bootstrap', exportName: '' });
  });
});

describe('parseSamTemplate over the SAM fixture', () => {
  const result = parseSamTemplate(read(SAM_PATH), SAM_PATH, { stackName: 'orders-service' });
  const samDir = join(FIXTURES, 'sam-app');

  test('indexes the four functions and warns about the nested application', () => {
    assert.deepEqual(result.functions.map((item) => item.entry.logicalId), ['OrdersFunction', 'PaymentsFunction', 'ReportsFunction', 'LegacySyncFunction']);
    assert.deepEqual(result.warnings.map((w) => w.message), ['Analytics: nested application not indexed (its functions live in another template)']);
  });

  test('esbuild with EntryPoints: handler, export, build folder and bundle', () => {
    const { entry, handlerCandidates, bundleCandidates } = fn(result, 'OrdersFunction');
    assert.equal(entry.id, `sam:${SAM_PATH}#OrdersFunction`);
    assert.equal(entry.functionName, 'orders-service-orders');
    assert.equal(entry.handlerExport, 'lambdaHandler');
    assert.equal(entry.runtime, 'nodejs20.x', 'Runtime comes from Globals');
    assert.equal(entry.buildDir, join(samDir, '.aws-sam', 'build', 'OrdersFunction'));
    assert.equal(entry.bundleFile, 'orders.js');
    assert.deepEqual(bundleCandidates, ['orders.js', 'orders.mjs']);
    assert.equal(handlerCandidates[0], join(samDir, 'src', 'handlers', 'orders.ts'));
    assert.deepEqual(entry.build, { method: 'esbuild', minify: true, sourcemap: true, format: 'cjs', entryPoints: ['src/handlers/orders.ts'] });
  });

  test('esbuild without EntryPoints: the entry is the handler minus its export; ESM goes to .mjs', () => {
    const { entry } = fn(result, 'PaymentsFunction');
    assert.equal(entry.functionName, undefined);
    assert.ok(matches(entry.namePattern, 'orders-service-PaymentsFunction-1X2Y3Z4W5V6U'));
    assert.ok(!matches(entry.namePattern, 'other-stack-PaymentsFunction-1X2Y3Z4W5V6U'));
    assert.equal(entry.bundleFile, 'payments.mjs');
    assert.equal(entry.build?.format, 'esm');
    assert.equal(entry.build?.minify, false);
    assert.equal(entry.build?.sourcemap, true, 'NODE_OPTIONS --enable-source-maps from Globals implies Sourcemap');
    assert.equal(entry.logGroup, '/custom/orders-service/payments');
  });

  test('Python without a bundler: the deployed file is the handler file itself', () => {
    const { entry, handlerCandidates } = fn(result, 'ReportsFunction');
    assert.equal(entry.runtime, 'python3.12');
    assert.equal(entry.handlerExport, 'lambda_handler');
    assert.equal(entry.bundleFile, 'app.py');
    assert.deepEqual(handlerCandidates, [join(samDir, 'python', 'app.py')]);
    assert.equal(entry.build, undefined);
  });

  test('CodeUri pointing at S3 means no local code', () => {
    const item = fn(result, 'LegacySyncFunction');
    assert.equal(item.entry.functionName, 'legacy-orders-sync');
    assert.equal(item.entry.buildDir, undefined);
    assert.deepEqual(item.handlerCandidates, []);
  });

  test('plain CloudFormation JSON with AWS::Lambda::Function, images and missing handlers', () => {
    const template = JSON.stringify({
      Resources: {
        Api: { Type: 'AWS::Lambda::Function', Properties: { Code: 'build/api', Handler: 'main.handler', Runtime: 'nodejs22.x' } },
        Inline: { Type: 'AWS::Lambda::Function', Properties: { Code: { ZipFile: 'exports.handler=()=>1' }, Handler: 'index.handler', Runtime: 'nodejs22.x' } },
        Image: { Type: 'AWS::Serverless::Function', Properties: { PackageType: 'Image', ImageUri: 'x' } },
        NoHandler: { Type: 'AWS::Serverless::Function', Properties: { CodeUri: 'src', Runtime: 'nodejs22.x' } },
      },
    });
    const parsed = parseSamTemplate(template, '/w/infra/stack.template.json');
    assert.equal(fn(parsed, 'Api').handlerCandidates[0], '/w/infra/build/api/main.ts');
    assert.equal(fn(parsed, 'Api').entry.bundleFile, 'main.js');
    assert.equal(fn(parsed, 'Inline').entry.buildDir, undefined);
    assert.equal(parsed.warnings.length, 2);
  });

  test('without samconfig the stack part of a generated name is a wildcard', () => {
    const parsed = parseSamTemplate(read(SAM_PATH), SAM_PATH);
    const orders = fn(parsed, 'OrdersFunction').entry;
    assert.equal(orders.functionName, undefined);
    assert.ok(matches(orders.namePattern, 'anything-orders'));
  });
});

describe('parseServerlessTemplate', () => {
  const result = parseServerlessTemplate(read(SLS_PATH), SLS_PATH);
  const slsDir = join(FIXTURES, 'serverless-app');

  test('names are <service>-<stage>-<function>, any stage; name: overrides', () => {
    const create = fn(result, 'createOrder').entry;
    assert.equal(create.functionName, 'orders-api-dev-createOrder');
    assert.ok(matches(create.namePattern, 'orders-api-prod-createOrder'));
    const list = fn(result, 'listOrders').entry;
    assert.equal(list.functionName, 'orders-api-dev-list-orders-v2');
    assert.ok(matches(list.namePattern, 'orders-api-staging-list-orders-v2'));
  });

  test('serverless-esbuild builds into .esbuild/.build keeping the handler path', () => {
    const { entry, handlerCandidates } = fn(result, 'createOrder');
    assert.equal(entry.buildDir, join(slsDir, '.esbuild', '.build'));
    assert.equal(entry.bundleFile, 'src/handlers/createOrder.js');
    assert.equal(entry.handlerExport, 'handler');
    assert.equal(handlerCandidates[0], join(slsDir, 'src', 'handlers', 'createOrder.ts'));
    assert.equal(entry.build?.method, 'serverless-esbuild');
    assert.equal(entry.build?.sourcemap, true);
    assert.equal(fn(result, 'fulfil').entry.runtime, 'nodejs18.x', 'function runtime overrides the provider');
  });

  test('v4 built-in esbuild, no bundler, literal stage, nested variables, unknown variables', () => {
    const text = [
      'service: ${self:custom.name}',
      'custom:', '  name: billing', '  suffix:', '    prod: live',
      'provider:', '  name: aws', '  runtime: python3.12', '  stage: prod',
      'functions:',
      '  charge:', '    handler: billing/charge.handler', '    name: ${self:service}-${self:custom.suffix.${sls:stage}}-charge',
      '  refund:', '    handler: refund.handler', '    name: ${ssm:/billing/refund-name}',
    ].join('\n');
    const parsed = parseServerlessTemplate(text, '/w/billing/serverless.yml');
    const charge = fn(parsed, 'charge').entry;
    assert.equal(charge.functionName, 'billing-live-charge');
    assert.equal(charge.buildDir, '/w/billing');
    assert.equal(charge.bundleFile, 'billing/charge.py');
    const refund = fn(parsed, 'refund').entry;
    assert.equal(refund.functionName, undefined);
    assert.ok(matches(refund.namePattern, 'whatever-it-is'));
    const v4 = parseServerlessTemplate('service: svc\nbuild:\n  esbuild:\n    minify: true\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: src/a.handler\n', '/w/svc/serverless.yml');
    assert.equal(fn(v4, 'a').entry.buildDir, '/w/svc/.serverless/build');
    assert.equal(fn(v4, 'a').entry.functionName, 'svc-dev-a', 'stage defaults to dev');
  });

  test('a non-AWS provider is reported, not indexed', () => {
    const parsed = parseServerlessTemplate('service: x\nprovider:\n  name: azure\nfunctions:\n  a:\n    handler: a.b\n', '/w/x/serverless.yml');
    assert.equal(parsed.functions.length, 0);
    assert.equal(parsed.warnings.length, 1);
  });
});

describe('CDK cloud assembly', () => {
  const manifest = parseCdkManifest(read(CDK_MANIFEST), CDK_MANIFEST);
  const cdkOut = join(FIXTURES, 'cdk-app', 'cdk.out');

  test('the manifest names the stack template and stack name', () => {
    assert.deepEqual(manifest.stacks, [{ artifactId: 'OrdersStack', stackName: 'orders-cdk-prod', templatePath: join(cdkOut, 'OrdersStack.template.json') }]);
    assert.deepEqual(manifest.warnings, []);
  });

  test('functions take their asset folder as build output; names follow the stack name', () => {
    const stack = manifest.stacks[0];
    assert.ok(stack);
    const result = parseCdkStackTemplate(read(stack.templatePath), stack);
    const orders = fn(result, 'OrdersHandler5E1B8F3A');
    assert.equal(orders.entry.buildDir, join(cdkOut, 'asset.7c3e9a41d2b85f06e1a4c7d93b2f5e80a6d1c4b7e9f203a58d6c1b4e7a9f2d30'));
    assert.deepEqual(orders.bundleCandidates, ['index.js', 'index.mjs', 'index.cjs']);
    assert.deepEqual(orders.sourceMapCandidates, ['index.js.map', 'index.mjs.map', 'index.cjs.map']);
    assert.equal(orders.entry.handlerExport, 'handler');
    assert.ok(matches(orders.entry.namePattern, 'orders-cdk-prod-OrdersHandler5E1B8F3A-Q1W2E3R4T5Y6'));
    const audit = fn(result, 'AuditFunction0C4D2A91').entry;
    assert.equal(audit.functionName, 'orders-audit');
    assert.equal(audit.logGroup, undefined, 'a log group given by Ref is not literal');
  });

  test('nested stage assemblies and broken manifests', () => {
    const nested = parseCdkManifest(JSON.stringify({ artifacts: { assemblyProd: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } } } }), '/w/cdk.out/manifest.json');
    assert.deepEqual(nested.nestedManifests, ['/w/cdk.out/assembly-Prod/manifest.json']);
    assert.equal(parseCdkManifest('{ nope', '/w/cdk.out/manifest.json').warnings.length, 1);
  });

  test('the entry source of a bundle is the last own source of its map', () => {
    const mapPath = join(cdkOut, 'asset.7c3e9a41d2b85f06e1a4c7d93b2f5e80a6d1c4b7e9f203a58d6c1b4e7a9f2d30', 'index.js.map');
    assert.equal(entrySourceFromMap(read(mapPath), mapPath), join(FIXTURES, 'cdk-app', 'lib', 'handlers', 'orders.ts'));
    const withDeps = JSON.stringify({ version: 3, sourceRoot: 'src/', sources: ['../node_modules/x/index.js', 'app.ts', '../node_modules/y/y.js'], mappings: '' });
    assert.equal(entrySourceFromMap(withDeps, '/w/out/index.js.map'), '/w/out/src/app.ts');
    assert.equal(entrySourceFromMap('not json', '/w/out/index.js.map'), undefined);
  });
});

describe('parsers never throw', () => {
  const texts = [read(SAM_PATH), read(SLS_PATH), read(join(FIXTURES, 'cdk-app', 'cdk.out', 'OrdersStack.template.json')), read(CDK_MANIFEST)];
  const stack = { artifactId: 'S', stackName: 'S', templatePath: '/w/cdk.out/S.template.json' };

  function parseAll(text: string): void {
    parseCfnTemplate(text);
    parseSamTemplate(text, '/w/template.yaml', { stackName: 'st' });
    parseServerlessTemplate(text, '/w/serverless.yml');
    parseCdkStackTemplate(text, stack);
    parseCdkManifest(text, '/w/cdk.out/manifest.json');
  }

  test('on mutated fixture templates (cut, spliced, tag-sprinkled)', () => {
    const mutation = fc.record({
      source: fc.integer({ min: 0, max: texts.length - 1 }),
      at: fc.nat(),
      cut: fc.nat({ max: 200 }),
      insert: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('!Ref', '!Sub [', '!GetAtt', ': &a', '*a', '{', ']', '\n  - ', '${self:', '${opt:stage, ', '"', "'", '\t', '!If [')),
    });
    fc.assert(
      fc.property(mutation, ({ source, at, cut, insert }) => {
        const text = texts[source] ?? '';
        const position = at % (text.length + 1);
        parseAll(text.slice(0, position) + insert + text.slice(position + cut));
      }),
      { numRuns: 150 },
    );
  });

  test('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => parseAll(text)), { numRuns: 300 });
  });
});
