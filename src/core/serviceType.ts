/**
 * What kind of service a span stands for, from its `origin`, its `namespace` and name, and the
 * blocks it carries. Drives the icon, so a good guess beats `internal` when the data hints.
 */
import type { ServiceType, SpanKind } from '../shared/traceModel';

const ORIGIN_TYPES: ReadonlyMap<string, ServiceType> = new Map<string, ServiceType>([
  ['AWS::Lambda', 'lambda'],
  ['AWS::Lambda::Function', 'lambdaFunction'],
  ['AWS::ApiGateway::Stage', 'apiGateway'],
  ['AWS::DynamoDB::Table', 'dynamodb'],
  ['AWS::DynamoDB', 'dynamodb'],
  ['AWS::SQS::Queue', 'sqs'],
  ['AWS::SQS', 'sqs'],
  ['AWS::SNS', 'sns'],
  ['AWS::SNS::Topic', 'sns'],
  ['AWS::S3::Bucket', 's3'],
  ['AWS::S3', 's3'],
  ['AWS::Events', 'eventbridge'],
  ['AWS::Events::EventBus', 'eventbridge'],
  ['AWS::StepFunctions::StateMachine', 'stepFunctions'],
  ['AWS::StepFunctions', 'stepFunctions'],
  ['AWS::EC2::Instance', 'ec2'],
  ['AWS::ECS::Container', 'ecs'],
  ['AWS::ElasticBeanstalk::Environment', 'elasticBeanstalk'],
]);

// Subsegment names the AWS SDKs use for calls (`DynamoDB`, `dynamodb`, `SFN`, `States`, …), lowercased.
const AWS_NAME_TYPES: ReadonlyMap<string, ServiceType> = new Map<string, ServiceType>([
  ['dynamodb', 'dynamodb'],
  ['sqs', 'sqs'],
  ['sns', 'sns'],
  ['s3', 's3'],
  ['lambda', 'lambda'],
  ['eventbridge', 'eventbridge'],
  ['events', 'eventbridge'],
  ['cloudwatchevents', 'eventbridge'],
  ['sfn', 'stepFunctions'],
  ['states', 'stepFunctions'],
  ['stepfunctions', 'stepFunctions'],
  ['apigateway', 'apiGateway'],
]);

const CLIENT_NAMES = /^(client|browser|user|caller|clients?)$/i;

export interface ServiceTypeInput {
  kind: SpanKind;
  name: string;
  origin?: string;
  namespace?: string;
  hasSql: boolean;
  hasHttpRequest: boolean;
}

function awsNameType(name: string): ServiceType | undefined {
  return AWS_NAME_TYPES.get(name.toLowerCase().replace(/[\s_-]/g, ''));
}

export function serviceTypeOf(input: ServiceTypeInput): ServiceType {
  const { kind, name, origin, namespace } = input;
  if (origin !== undefined) {
    const known = ORIGIN_TYPES.get(origin);
    if (known !== undefined) return known;
    if (origin.startsWith('AWS::')) return 'awsService';
    if (origin.startsWith('Database::')) return 'sql';
  }
  if (input.hasSql) return 'sql';
  if (namespace === 'aws') return awsNameType(name) ?? 'awsService';
  if (namespace === 'remote') return 'http';
  if (kind === 'inferred') {
    return input.hasHttpRequest ? 'http' : (awsNameType(name) ?? 'awsService');
  }
  if (kind === 'subsegment' && input.hasHttpRequest) return 'http';
  if (kind === 'segment' && CLIENT_NAMES.test(name)) return 'client';
  return 'internal';
}
