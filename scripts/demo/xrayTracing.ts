/**
 * Lambda's side of X-Ray tracing, with the real aws-xray-sdk-core sending every document over UDP
 * to the daemon address (the local receiver): per invocation an `AWS::Lambda` service segment (the
 * API Gateway caller's child, or the root of an SQS batch's trace with `links` to each message's
 * trace) and an `AWS::Lambda::Function` segment with `Initialization` (cold starts), `Invocation`
 * (the handler's own subsegments nest here) and `Overhead` subsegments.
 */
import * as AWSXRay from 'aws-xray-sdk-core';
import { DEMO_ACCOUNT } from './demoApp';
import type { InvocationOutcome, InvocationStart, InvocationTrace, InvocationTracer } from './invocationTrace';
import { xrayToW3c } from './otelSetup';

type Segment = AWSXRay.Segment & Record<string, unknown>;
type Subsegment = AWSXRay.Subsegment & Record<string, unknown>;

/** Points the SDK at the daemon address and keeps its own chatter out of the demo's output. */
export function configureXRay(daemonAddress: string, log: (line: string) => void): void {
  AWSXRay.setDaemonAddress(daemonAddress);
  AWSXRay.setContextMissingStrategy('IGNORE_ERROR');
  const quiet = (): void => undefined;
  AWSXRay.setLogger({ error: (...args: unknown[]) => log(`aws-xray-sdk-core: ${args.map(String).join(' ')}`), warn: quiet, info: quiet, debug: quiet });
  AWSXRay.enableAutomaticMode();
}

const seconds = (ms: number): number => ms / 1000;

export class XRayInvocationTracer implements InvocationTracer {
  begin(start: InvocationStart): InvocationTrace {
    return new XRayInvocation(start);
  }
}

class XRayInvocation implements InvocationTrace {
  readonly traceId: string;
  readonly logContext: { traceId: string; spanId: string };
  readonly reportXRay: { traceId: string; segmentId: string };
  private readonly service: Segment;
  private readonly function: Segment;
  private invocation: Subsegment | undefined;

  constructor(private readonly start: InvocationStart) {
    const { fn } = start;
    this.service = new AWSXRay.Segment(fn.name, start.parent?.root, start.parent?.parent) as Segment;
    this.service.start_time = seconds(start.startMs);
    this.service.origin = 'AWS::Lambda';
    this.service.resource_arn = fn.arn;
    this.service.aws = { request_id: start.requestId };
    if (start.links.length > 0) {
      // X-Ray links the consumer's trace to each producer's (at most 20 per segment).
      this.service.links = start.links.slice(0, 20).map((link) => ({ trace_id: link.root, id: link.parent, attributes: { 'aws.xray.link.type': 'sqs-message' } }));
    }
    this.function = new AWSXRay.Segment(fn.name, this.service.trace_id, this.service.id) as Segment;
    this.function.start_time = seconds(start.startMs);
    this.function.origin = 'AWS::Lambda::Function';
    this.function.aws = { function_arn: fn.arn, resource_names: [fn.name], account_id: DEMO_ACCOUNT };
    this.traceId = this.service.trace_id;
    this.logContext = { traceId: xrayToW3c(this.traceId), spanId: this.function.id };
    this.reportXRay = { traceId: this.traceId, segmentId: this.function.id };
  }

  initialized(startMs: number, endMs: number): void {
    const init = this.function.addNewSubsegment('Initialization') as Subsegment;
    init.aws = { function_arn: this.start.fn.arn };
    init.close();
    init.start_time = seconds(startMs);
    init.end_time = seconds(endMs);
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    const invocation = this.function.addNewSubsegment('Invocation') as Subsegment;
    this.invocation = invocation;
    const namespace = AWSXRay.getNamespace();
    return namespace.runAndReturn(() => {
      AWSXRay.setSegment(invocation);
      return work();
    });
  }

  end(outcome: InvocationOutcome): void {
    const { fn } = this.start;
    const invocation = this.invocation;
    if (invocation !== undefined && !invocation.isClosed()) invocation.close(outcome.timedOut ? undefined : (outcome.error as Error | undefined));
    if (invocation !== undefined) invocation.end_time = seconds(outcome.endMs);
    const overhead = this.function.addNewSubsegment('Overhead') as Subsegment;
    overhead.aws = { function_arn: fn.arn };
    overhead.close();
    overhead.start_time = seconds(outcome.endMs);
    overhead.end_time = seconds(outcome.endMs + 1 + Math.random() * 2);
    if (outcome.timedOut) {
      this.function.addError({ name: 'Sandbox.Timedout', message: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`, stack: '' } as Error);
    } else if (outcome.error !== undefined) {
      this.function.addFaultFlag();
    }
    this.function.close();
    this.function.end_time = (overhead.end_time as number) + 0.0005;
    this.flushNow(this.function);
    this.service.http = { response: { status: 200 } };
    this.service.close();
    this.service.end_time = (this.function.end_time as number) + 0.001;
    this.flushNow(this.service);
  }

  /**
   * Sends the document now, even with subsegments still open (a timed-out handler's pending call
   * goes out as in progress), and never again: Lambda froze that sandbox, so nothing it did later
   * reaches X-Ray.
   */
  private flushNow(segment: Segment): void {
    segment.flush();
    segment.notTraced = true;
  }
}
