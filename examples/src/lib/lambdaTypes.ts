/** The parts of the Lambda event and context shapes the handlers use (as in `@types/aws-lambda`). */

export interface LambdaContext {
  awsRequestId: string;
  functionName: string;
  getRemainingTimeInMillis(): number;
}

export interface ApiGatewayProxyEvent {
  httpMethod: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: string | null;
  requestContext: { requestId: string; stage: string };
}

export interface ApiGatewayProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

export interface SqsRecord {
  messageId: string;
  body: string;
  /** `AWSTraceHeader` carries the sender's X-Ray trace header. */
  attributes: { AWSTraceHeader?: string; ApproximateReceiveCount: string; SentTimestamp: string };
  eventSourceARN: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}
