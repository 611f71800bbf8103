/**
 * Polls `probe` until it gives a value (every 10 ms), for tests of code that works on its own
 * time: receivers filing datagrams and requests as they arrive. Fails naming `what` it waited for.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
