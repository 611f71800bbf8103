/**
 * API Gateway's part of a request, REST API with tracing on: an `AWS::ApiGateway::Stage` segment
 * (the trace's root) with a `Lambda` subsegment whose id the function's segments take as parent,
 * the proxy event, and the mapping of the function's outcome to an HTTP status (502 when the
 * function fails).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as AWSXRay from 'aws-xray-sdk-core';
import { DEMO_ACCOUNT, DEMO_REGION } from './demoApp';
import type { DemoFunction } from './demoApp';
import type { FunctionRuntime, InvocationResult } from './lambdaRuntime';

type Doc = Record<string, unknown>;

export interface ApiResponse {
  statusCode: number;
  invocation: InvocationResult;
  /** X-Ray form: the API request's trace (the same as the invocation's). */
  traceId: string;
}

export class ApiGateway {
  private readonly apiId = randomBytes(5).toString('hex').slice(0, 10);

  constructor(
    private readonly stackName: string,
    private readonly stage = 'Prod',
  ) {}

  async request(runtime: FunctionRuntime, body: unknown): Promise<ApiResponse> {
    const fn: DemoFunction = runtime.fn;
    const trigger = fn.trigger?.kind === 'api' ? fn.trigger : { path: '/', method: 'GET' };
    const url = `https://${this.apiId}.execute-api.${DEMO_REGION}.amazonaws.com/${this.stage}${trigger.path}`;
    const segment = new AWSXRay.Segment(`${this.stackName}/${this.stage}`) as AWSXRay.Segment & Doc;
    segment.origin = 'AWS::ApiGateway::Stage';
    segment.resource_arn = `arn:aws:apigateway:${DEMO_REGION}::/restapis/${this.apiId}/stages/${this.stage}`;
    segment.aws = { api_id: this.apiId, account_id: DEMO_ACCOUNT };
    segment.http = { request: { method: trigger.method, url, user_agent: 'orders-demo-traffic/1.0', client_ip: '127.0.0.1', x_forwarded_for: true } };
    const lambda = segment.addNewSubsegment('Lambda') as AWSXRay.Subsegment & Doc;
    lambda.addAttribute('namespace', 'aws');
    const requestId = randomUUID();
    const event = {
      resource: trigger.path,
      path: trigger.path,
      httpMethod: trigger.method,
      headers: { 'content-type': 'application/json', 'X-Amzn-Trace-Id': `Root=${segment.trace_id};Parent=${lambda.id};Sampled=1` },
      body: JSON.stringify(body),
      isBase64Encoded: false,
      requestContext: { requestId, stage: this.stage, accountId: DEMO_ACCOUNT, apiId: this.apiId, httpMethod: trigger.method, path: `/${this.stage}${trigger.path}` },
    };
    const invocation = await runtime.invoke(event, { parent: { root: segment.trace_id, parent: lambda.id }, trigger: 'http' });
    const response = invocation.response as { statusCode?: unknown } | undefined;
    const statusCode = invocation.ok && typeof response?.statusCode === 'number' ? response.statusCode : 502;
    lambda.addAttribute('aws', { function_name: fn.name, region: DEMO_REGION, operation: 'Invoke', resource_names: [fn.name], request_id: invocation.requestId });
    lambda.addAttribute('http', { response: { status: 200 } });
    if (!invocation.ok) lambda.addErrorFlag();
    lambda.close();
    (segment.http as Doc).response = { status: statusCode, content_length: 0 };
    if (statusCode >= 500) segment.addFaultFlag();
    else if (statusCode >= 400) segment.addErrorFlag();
    segment.close();
    return { statusCode, invocation, traceId: segment.trace_id };
  }
}
