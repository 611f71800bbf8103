/**
 * Structured-ish log lines. In Lambda, `console` lines get the runtime's prefix
 * (`<time>\t<request id>\tINFO\t…`), which is what ties them to an invocation.
 */
export function logInfo(message: string, fields: Record<string, unknown> = {}): void {
  console.info(Object.keys(fields).length === 0 ? message : `${message} ${JSON.stringify(fields)}`);
}

export function logWarn(message: string, fields: Record<string, unknown> = {}): void {
  console.warn(Object.keys(fields).length === 0 ? message : `${message} ${JSON.stringify(fields)}`);
}
