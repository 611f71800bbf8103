/**
 * Links into the AWS console. X-Ray traces now live in the CloudWatch console
 * (`#xray:traces/<id>`); the old X-Ray console redirects there.
 */

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

function consoleOrigin(region: string): string {
  if (!REGION.test(region)) {
    // Never build a host name from unvalidated text; the global console picks the region from the query.
    return 'https://console.aws.amazon.com';
  }
  if (region.startsWith('cn-')) {
    return `https://${region}.console.amazonaws.cn`;
  }
  if (region.startsWith('us-gov-')) {
    return 'https://console.amazonaws-us-gov.com';
  }
  return `https://${region}.console.aws.amazon.com`;
}

/** URL of the trace's page in the CloudWatch console of `region`. */
export function traceConsoleUrl(region: string, traceId: string): string {
  const cleanRegion = region.trim().toLowerCase();
  const query = encodeURIComponent(cleanRegion);
  return `${consoleOrigin(cleanRegion)}/cloudwatch/home?region=${query}#xray:traces/${encodeURIComponent(traceId.trim())}`;
}

export interface LogsInsightsLink {
  logGroups: readonly string[];
  /** Epoch milliseconds. */
  startMs: number;
  endMs: number;
  query: string;
}

/**
 * One value of the console's `queryDetail` (a JSURL-like notation: `~` separates, `'` starts a
 * string, `(`/`)` nest). Percent-encoding first, then the notation's own characters, then `%`
 * written as `*`, which is how the console escapes inside that notation.
 */
function jsurlValue(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%/g, '*');
}

/**
 * The Logs Insights page of the console with the same groups, absolute window (UTC) and query.
 * The fragment is percent-encoded once more with `$` in place of `%`, as the console expects.
 */
export function logsInsightsConsoleUrl(region: string, link: LogsInsightsLink): string {
  const cleanRegion = region.trim().toLowerCase();
  const sources = link.logGroups.map((group) => `~'${jsurlValue(group)}`).join('');
  const detail = [
    `~(end~'${jsurlValue(new Date(link.endMs).toISOString())}`,
    `~start~'${jsurlValue(new Date(link.startMs).toISOString())}`,
    `~timeType~'ABSOLUTE~tz~'UTC`,
    `~editorString~'${jsurlValue(link.query)}`,
    `~source~(${sources}))`,
  ].join('');
  const fragment = encodeURIComponent(`?queryDetail=${detail}`).replace(/%/g, '$');
  return `${consoleOrigin(cleanRegion)}/cloudwatch/home?region=${encodeURIComponent(cleanRegion)}#logsV2:logs-insights${fragment}`;
}
