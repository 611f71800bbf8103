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
