/**
 * Consumes the notifications queue and e-mails the customer. Traced with OpenTelemetry: the
 * Lambda layer's wrapper starts the invocation span; this code adds its own spans, records
 * exceptions on them and lets failures propagate so the message goes back to the queue.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { LambdaContext, SqsEvent } from '../lib/lambdaTypes';
import { logInfo } from '../lib/logger';
import { formatNotification } from '../lib/notifications';
import type { EmailMessage, OrderEvent } from '../lib/notifications';

const tracer = trace.getTracer('orders-demo-notifier', '1.0.0');

function inSpan<T>(name: string, kind: SpanKind, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

async function sendEmail(message: EmailMessage): Promise<void> {
  // The demo does not send mail: a short pause stands for the mail provider's API call.
  await new Promise((resolve) => setTimeout(resolve, 15 + Math.random() * 40));
  logInfo('notification sent', { to: message.to, subject: message.subject });
}

export async function handler(event: SqsEvent, _context: LambdaContext): Promise<void> {
  for (const record of event.Records) {
    const orderEvent = JSON.parse(record.body) as OrderEvent;
    const message = await inSpan('format notification', SpanKind.INTERNAL, async () => formatNotification(orderEvent)); // @calls:notifier-format
    await inSpan('send email', SpanKind.CLIENT, () => sendEmail(message));
  }
}
