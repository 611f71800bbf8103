/**
 * Inline SVG icons drawn for Serverless Lens (16×16 stroke paths, `currentColor`), built with
 * `createElementNS` so no markup is parsed. Templates are built once and cloned: rows are
 * recycled at scroll speed.
 */
import type { ServiceType, SpanStatus } from '../../shared/traceModel';

const SVG_NS = 'http://www.w3.org/2000/svg';

const CIRCLE = 'M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 1 1 0-13z';
const CYLINDER = 'M3 4c0-1.1 2.2-2 5-2s5 .9 5 2v8c0 1.1-2.2 2-5 2s-5-.9-5-2zM3 4c0 1.1 2.2 2 5 2s5-.9 5-2';
const CHIP = 'M4 4h8v8H4zM6.5 6.5h3v3h-3zM6 1.5V4M10 1.5V4M6 12v2.5M10 12v2.5M1.5 6H4M1.5 10H4M12 6h2.5M12 10h2.5';

const PATHS = {
  client: 'M8 2.2a2.6 2.6 0 1 1 0 5.2a2.6 2.6 0 1 1 0-5.2zM2.8 14.2c0-3 2.3-5 5.2-5s5.2 2 5.2 5',
  apiGateway: 'M5 3L2 8l3 5M11 3l3 5-3 5M5.8 8h4.4M8.6 6.4L10.2 8l-1.6 1.6',
  lambda: 'M3.8 2.5h2.3l5.3 11h1.8M7.5 7.4L3.8 13.5',
  lambdaFunction: 'M2 1.8h12v12.4H2zM5 4.2h1.6l3.6 7.6h1.2M7.3 7.4L5 11.8',
  dynamodb: `${CYLINDER}M8.9 7.3L7.1 10h2l-1.8 2.6`,
  sql: `${CYLINDER}M3 8c0 1.1 2.2 2 5 2s5-.9 5-2`,
  sqs: 'M1.5 5h3.2v6H1.5zM6.4 5h3.2v6H6.4zM11.3 5h3.2v6h-3.2z',
  sns: 'M8 7a1 1 0 1 1 0 2a1 1 0 1 1 0-2zM5.4 5.2a4 4 0 0 0 0 5.6M10.6 5.2a4 4 0 0 1 0 5.6M3.3 3.1a7 7 0 0 0 0 9.8M12.7 3.1a7 7 0 0 1 0 9.8',
  s3: 'M2.5 4l1.6 9.2c.1.7 1.8 1.3 3.9 1.3s3.8-.6 3.9-1.3L13.5 4M2.5 4c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2s-2.5-2-5.5-2s-5.5.9-5.5 2z',
  eventbridge: 'M8 6.3a1.7 1.7 0 1 1 0 3.4a1.7 1.7 0 1 1 0-3.4zM3 1.8a1.3 1.3 0 1 1 0 2.6a1.3 1.3 0 1 1 0-2.6zM13 1.8a1.3 1.3 0 1 1 0 2.6a1.3 1.3 0 1 1 0-2.6zM8 12a1.3 1.3 0 1 1 0 2.6a1.3 1.3 0 1 1 0-2.6zM4 4l2.8 3M12 4L9.2 7M8 9.7V12',
  stepFunctions: 'M5 1.5h6v3H5zM2 11.5h5v3H2zM9 11.5h5v3H9zM8 4.5v3M4.5 11.5v-4h7v4',
  ec2: CHIP,
  ecs: 'M1.8 2.5h5.4v4.6H1.8zM8.8 2.5h5.4v4.6H8.8zM5.3 8.9h5.4v4.6H5.3z',
  elasticBeanstalk: CHIP,
  awsService: 'M4.6 12.5h7.3a2.6 2.6 0 0 0 .4-5.2a3.6 3.6 0 0 0-7-1A3 3 0 0 0 4.6 12.5z',
  http: `${CIRCLE}M1.5 8h13M8 1.5c-1.9 2-2.8 4-2.8 6.5s.9 4.5 2.8 6.5M8 1.5c1.9 2 2.8 4 2.8 6.5s-.9 4.5-2.8 6.5`,
  internal: 'M8 3a5 5 0 1 1 0 10a5 5 0 1 1 0-10zM8 6.5a1.5 1.5 0 1 1 0 3a1.5 1.5 0 1 1 0-3z',
  fault: `${CIRCLE}M5.5 5.5l5 5M10.5 5.5l-5 5`,
  error: 'M8 1.8l6.6 11.7H1.4zM8 6v3.6M8 11.2v.7',
  throttle: 'M4 1.5h8M4 14.5h8M4.5 1.5c0 3.5 3.5 4.5 3.5 6.5s-3.5 3-3.5 6.5M11.5 1.5c0 3.5-3.5 4.5-3.5 6.5s3.5 3 3.5 6.5',
  ok: `${CIRCLE}M5 8.2l2 2l4-4.2`,
  coldStart: 'M8 1v14M1.9 4.5l12.2 7M1.9 11.5l12.2-7M6.2 2.2L8 4l1.8-1.8M6.2 13.8L8 12l1.8 1.8M2 7.2l2.4-.6-.7-2.4M14 8.8l-2.4.6.7 2.4M12.3 4.2l-.7 2.4L14 7.2M3.7 11.8l.7-2.4L2 8.8',
  clockSkew: `${CIRCLE}M8 4.2V8l2.6 1.6`,
  inProgress: 'M3 8h.01M8 8h.01M13 8h.01',
  copy: 'M5.5 5.5h8v8h-8zM3.5 10.5h-1v-8h8v1',
  chevron: 'M6 3.5l4.5 4.5L6 12.5',
  external: 'M9 2.5h4.5V7M13.5 2.5l-6 6M11.5 9.5v4h-9v-9h4',
  warning: 'M8 1.8l6.6 11.7H1.4zM8 6v3.6M8 11.2v.7',
  search: 'M6.5 2a4.5 4.5 0 1 1 0 9a4.5 4.5 0 1 1 0-9zM9.8 9.8L14 14',
  up: 'M3.5 10L8 5.5l4.5 4.5',
  down: 'M3.5 6L8 10.5L12.5 6',
  expandAll: 'M4 3l4 4 4-4M4 9l4 4 4-4',
  collapseAll: 'M4 7l4-4 4 4M4 13l4-4 4 4',
  goToSource: 'M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3M5.5 9.5h5M8.5 7.5l2 2-2 2',
} as const;

export type IconName = keyof typeof PATHS;

const templates = new Map<IconName, SVGSVGElement>();

function template(name: IconName): SVGSVGElement {
  let svg = templates.get(name);
  if (!svg) {
    svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', `icon icon-${name}`);
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', PATHS[name]);
    svg.appendChild(path);
    templates.set(name, svg);
  }
  return svg;
}

/** A decorative icon (hidden from assistive technology); pair it with text. */
export function icon(name: IconName, extraClass?: string): SVGSVGElement {
  const svg = template(name).cloneNode(true) as SVGSVGElement;
  if (extraClass) {
    svg.classList.add(extraClass);
  }
  return svg;
}

/** An icon that carries meaning on its own: a tooltip and an accessible name. */
export function labelledIcon(name: IconName, label: string, extraClass?: string): SVGSVGElement {
  const svg = icon(name, extraClass);
  svg.removeAttribute('aria-hidden');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent = label;
  svg.insertBefore(title, svg.firstChild);
  return svg;
}

export function serviceIcon(type: ServiceType): SVGSVGElement {
  return icon(type in PATHS ? type : 'internal', `svc-${type}`);
}

export function statusIconName(status: SpanStatus): IconName {
  return status;
}
