/**
 * A subsegment around a piece of handler work, with the real X-Ray SDK. Inside Lambda the current
 * segment comes from the runtime. Failures are recorded on the subsegment (a fault, with the
 * exception and its stack); client errors (an error with a 4xx `statusCode`) only set the error
 * flag. Either way the error is rethrown, so the function behaves as it would without tracing.
 */
import * as AWSXRay from 'aws-xray-sdk-core';

export function traced<T>(name: string, work: (annotate: (key: string, value: string | number | boolean) => void) => Promise<T>): Promise<T> {
  return AWSXRay.captureAsyncFunc(name, async (subsegment) => {
    const annotate = (key: string, value: string | number | boolean): void => subsegment?.addAnnotation(key, value);
    try {
      const result = await work(annotate);
      subsegment?.close();
      return result;
    } catch (error) {
      if (isClientError(error)) {
        subsegment?.addErrorFlag();
        subsegment?.addMetadata('rejected', (error as Error).message);
        subsegment?.close();
      } else {
        subsegment?.close(error as Error);
      }
      throw error;
    }
  });
}

function isClientError(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
