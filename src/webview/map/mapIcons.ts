/**
 * The service symbols of the map, drawn for Serverless Lens (24×24 stroke paths, `currentColor`),
 * as `<symbol>`s in the map's own `<defs>`: each node is a `<use>`, and an exported SVG carries
 * its symbols with it.
 */
import type { ServiceType } from '../../shared/traceModel';
import { svgEl } from './svg';

const CYLINDER = 'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3v12c0 1.7-3.6 3-8 3s-8-1.3-8-3zM4 6c0 1.7 3.6 3 8 3s8-1.3 8-3';

export const SERVICE_SYMBOLS: Record<ServiceType, string> = {
  client: 'M12 3.5a3.8 3.8 0 1 1 0 7.6a3.8 3.8 0 1 1 0-7.6zM4.5 20.5c0-4.2 3.4-7 7.5-7s7.5 2.8 7.5 7',
  apiGateway: 'M3 21V9l9-6 9 6v12M7.5 21v-8h9v8M10.5 15.5l-2 1.5 2 1.5M13.5 15.5l2 1.5-2 1.5',
  lambda: 'M5.5 3.5h3.5l7.5 17h3M10.8 11.2L5.5 20.5',
  lambdaFunction: 'M3 3h18v18H3zM7.5 6.5h2.4l5.2 11h1.9M10.6 11.4L7.5 17.5',
  dynamodb: `${CYLINDER}M13.4 10.5l-2.8 4h3l-2.8 4`,
  sqs: 'M2.5 8h5v8h-5zM9.5 8h5v8h-5zM16.5 8h5v8h-5zM2.5 5h19M19 3l2.5 2-2.5 2',
  sns: 'M12 10.5a1.5 1.5 0 1 1 0 3a1.5 1.5 0 1 1 0-3zM8.2 7.8a6 6 0 0 0 0 8.4M15.8 7.8a6 6 0 0 1 0 8.4M5 4.7a10.4 10.4 0 0 0 0 14.6M19 4.7a10.4 10.4 0 0 1 0 14.6',
  s3: 'M3.5 6l2.4 13.6c.2 1 2.8 1.9 6.1 1.9s5.9-.9 6.1-1.9L20.5 6M3.5 6c0 1.7 3.8 3 8.5 3s8.5-1.3 8.5-3s-3.8-3-8.5-3s-8.5 1.3-8.5 3z',
  eventbridge: 'M12 9.5a2.5 2.5 0 1 1 0 5a2.5 2.5 0 1 1 0-5zM4.5 3a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM19.5 3a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM4.5 17a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM19.5 17a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM6 6.5l4.2 4M18 6.5l-4.2 4M6 17.5l4.2-4M18 17.5l-4.2-4',
  stepFunctions: 'M8 2.5h8v4.5H8zM2.5 17h8v4.5h-8zM13.5 17h8v4.5h-8zM12 7v4.5M6.5 17v-5.5h11V17',
  ec2: 'M6 6h12v12H6zM9.5 9.5h5v5h-5zM9 2.5V6M15 2.5V6M9 18v3.5M15 18v3.5M2.5 9H6M2.5 15H6M18 9h3.5M18 15h3.5',
  ecs: 'M2.5 4h8.5v7H2.5zM13 4h8.5v7H13zM7.8 13h8.5v7H7.8z',
  elasticBeanstalk: 'M12 21.5V10M12 10c-5 0-7-3.5-7-7.5c4.5 0 7 2.5 7 7.5zM12 13.5c4.5 0 6.5-3 6.5-6.5c-4 0-6.5 2.3-6.5 6.5',
  awsService: 'M7 19h10.5a4 4 0 0 0 .6-8a5.5 5.5 0 0 0-10.6-1.5A4.8 4.8 0 0 0 7 19z',
  http: 'M12 2.5a9.5 9.5 0 1 1 0 19a9.5 9.5 0 1 1 0-19zM2.5 12h19M12 2.5c-2.8 2.9-4.1 6-4.1 9.5s1.3 6.6 4.1 9.5M12 2.5c2.8 2.9 4.1 6 4.1 9.5s-1.3 6.6-4.1 9.5',
  sql: `${CYLINDER}M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3`,
  internal: 'M12 4.5a7.5 7.5 0 1 1 0 15a7.5 7.5 0 1 1 0-15zM12 9.5a2.5 2.5 0 1 1 0 5a2.5 2.5 0 1 1 0-5z',
};

export function symbolId(type: ServiceType): string {
  return `map-svc-${type in SERVICE_SYMBOLS ? type : 'internal'}`;
}

/** `<defs>` with every service symbol and the arrow heads of the edges. */
export function mapDefs(): SVGDefsElement {
  const defs = svgEl('defs');
  for (const [type, d] of Object.entries(SERVICE_SYMBOLS)) {
    defs.appendChild(svgEl('symbol', { id: `map-svc-${type}`, viewBox: '0 0 24 24' }, [svgEl('path', { d, class: 'map-symbol-path' })]));
  }
  for (const health of ['ok', 'error', 'fault', 'throttle', 'unknown', 'path']) {
    defs.appendChild(
      svgEl('marker', { id: `map-arrow-${health}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', class: `map-arrow map-arrow-${health}` }, [svgEl('path', { d: 'M0 0L10 5L0 10z' })]),
    );
  }
  return defs;
}
