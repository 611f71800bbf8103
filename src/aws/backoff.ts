/**
 * Throttling back-off shared by trace search and fetch. The SDK clients from `clientFactory.ts`
 * do not retry throttling themselves (see the retry strategy there), so these helpers are the one
 * place where a 429 turns into waiting.
 */

/** True for X-Ray's ThrottledException and the generic throttling shapes (HTTP 429). */
export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return (
    name === 'ThrottledException' ||
    name === 'ThrottlingException' ||
    name === 'TooManyRequestsException' ||
    name === 'RequestLimitExceeded' ||
    $metadata?.httpStatusCode === 429
  );
}

/** True when the error comes from an aborted signal rather than from AWS. */
export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) {
    return true;
  }
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') {
    return reason;
  }
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw abortError(signal);
  }
}

/** Exponential delay with full jitter: uniform in [0, min(cap, base·2^attempt)], at least 10 % of it. */
export function backoffDelayMs(attempt: number, baseMs = 200, capMs = 8000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (0.1 + 0.9 * random()));
}

/** Waits `ms`, rejecting with an AbortError as soon as the signal aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    return Promise.reject(abortError(signal));
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `call`, retrying throttling errors with exponential back-off up to `maxAttempts` in all;
 * other errors and aborts pass through at once.
 */
export async function retryThrottled<T>(call: () => Promise<T>, signal: AbortSignal, maxAttempts = 6): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    throwIfAborted(signal);
    try {
      return await call();
    } catch (error) {
      if (isAbortError(error, signal) || !isThrottlingError(error) || attempt + 1 >= maxAttempts) {
        throw error;
      }
      await abortableDelay(backoffDelayMs(attempt), signal);
    }
  }
}
