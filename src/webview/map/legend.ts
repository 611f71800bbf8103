/**
 * The legend: what each health cue and edge style means. Drawn as SVG with the same shapes and
 * classes as the map, so it follows the theme, and the export can carry a copy of it.
 */
import type { GraphHealth } from '../../shared/serviceGraphModel';
import { healthShape } from './mapRender';
import { svgEl, svgText } from './svg';

const HEALTHS: [GraphHealth, string][] = [
  ['ok', 'OK (solid ring)'],
  ['error', 'Client errors, 4xx (dashed ring)'],
  ['fault', 'Faults, 5xx (double ring)'],
  ['throttle', 'Throttled, 429 (corner notch)'],
  ['unknown', 'No data (dotted ring)'],
];

const EDGES: [string, string][] = [
  ['sync', 'Call recorded in one trace'],
  ['linked', 'Async hop, linked (trace link or AWSTraceHeader)'],
  ['inferred', 'Async hop, inferred (message id or timing)'],
];

export const LEGEND_WIDTH = 340;
export const LEGEND_HEIGHT = (HEALTHS.length + EDGES.length) * 22 + 12;

export function renderLegend(): SVGSVGElement {
  const svg = svgEl('svg', { class: 'map-legend-svg', width: LEGEND_WIDTH, height: LEGEND_HEIGHT, viewBox: `0 0 ${LEGEND_WIDTH} ${LEGEND_HEIGHT}`, role: 'list', 'aria-label': 'Legend' });
  let y = 8;
  for (const [health, label] of HEALTHS) {
    const item = svgEl('g', { class: `map-legend-item map-node health-${health}`, transform: `translate(6 ${y})`, role: 'listitem', 'aria-label': label });
    item.appendChild(svgEl('rect', { x: 0, y: 0, width: 24, height: 14, rx: 3, class: 'map-node-box' }));
    for (const shape of healthShape(health, 24, 14)) {
      if (shape.getAttribute('class') === 'map-ring-outer') {
        shape.setAttribute('x', '-3');
        shape.setAttribute('y', '-3');
        shape.setAttribute('width', '30');
        shape.setAttribute('height', '20');
        shape.setAttribute('rx', '5');
      } else {
        shape.setAttribute('d', 'M16 0H24V8z');
      }
      item.appendChild(shape);
    }
    item.appendChild(svgText(label, { x: 38, y: 11, class: 'map-legend-text' }));
    svg.appendChild(item);
    y += 22;
  }
  for (const [kind, label] of EDGES) {
    const item = svgEl('g', { class: `map-legend-item map-edge kind-${kind} health-ok`, transform: `translate(6 ${y})`, role: 'listitem', 'aria-label': label });
    item.appendChild(svgEl('path', { d: 'M0 7H26', class: 'map-edge-line' }));
    item.appendChild(svgText(label, { x: 38, y: 11, class: 'map-legend-text' }));
    svg.appendChild(item);
    y += 22;
  }
  return svg;
}
