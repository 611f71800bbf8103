/** Formatting of times, durations and statuses for display. Pure. */
import type { ServiceType, SpanStatus } from '../../shared/traceModel';

/** `850 µs`, `12.3 ms`, `1.24 s`, `2 min 5 s`: precision follows magnitude. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    return '—';
  }
  const abs = Math.abs(ms);
  if (abs < 1) {
    return `${Math.round(ms * 1000)} µs`;
  }
  if (abs < 100) {
    return `${trimZeros(ms.toFixed(1))} ms`;
  }
  if (abs < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (abs < 60_000) {
    return `${trimZeros((ms / 1000).toFixed(abs < 10_000 ? 2 : 1))} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms - minutes * 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Local date and time with milliseconds: traces are compared to logs at that precision. */
export function formatAbsolute(epochMs: number): string {
  if (!Number.isFinite(epochMs)) {
    return '—';
  }
  const date = new Date(epochMs);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const zone = `UTC${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return `${day} ${time} (${zone})`;
}

export const STATUS_LABEL: Record<SpanStatus, string> = {
  ok: 'OK',
  error: 'Error (4xx)',
  fault: 'Fault (5xx)',
  throttle: 'Throttled (429)',
};

export const SERVICE_LABEL: Record<ServiceType, string> = {
  client: 'Client',
  apiGateway: 'API Gateway',
  lambda: 'Lambda',
  lambdaFunction: 'Lambda function',
  dynamodb: 'DynamoDB',
  sqs: 'SQS',
  sns: 'SNS',
  s3: 'S3',
  eventbridge: 'EventBridge',
  stepFunctions: 'Step Functions',
  ec2: 'EC2',
  ecs: 'ECS',
  elasticBeanstalk: 'Elastic Beanstalk',
  awsService: 'AWS service',
  http: 'HTTP',
  sql: 'SQL',
  internal: 'Internal',
};
