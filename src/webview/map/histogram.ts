/** The latency histogram of the side panel: SVG bars, one per bucket, with the range and count on hover. */
import type { LatencyStats } from '../../shared/serviceGraphModel';
import { formatCount, formatDuration } from './mapFormat';
import { svgEl, svgText } from './svg';

const WIDTH = 264;
const HEIGHT = 96;
const AXIS = 16;

export function renderHistogram(latency: LatencyStats): SVGSVGElement {
  const buckets = latency.histogram.filter((b) => Number.isFinite(b.fromMs) && Number.isFinite(b.toMs) && b.count >= 0);
  const svg = svgEl('svg', { class: 'map-histogram', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img' });
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const barWidth = buckets.length > 0 ? WIDTH / buckets.length : WIDTH;
  const summary = `Latency histogram: ${formatCount(latency.count)} durations from ${formatDuration(latency.minMs)} to ${formatDuration(latency.maxMs)}, p50 ${formatDuration(latency.p50Ms)}, p95 ${formatDuration(latency.p95Ms)}, p99 ${formatDuration(latency.p99Ms)}`;
  svg.setAttribute('aria-label', summary);
  buckets.forEach((bucket, index) => {
    const h = bucket.count === 0 ? 0 : Math.max(2, ((HEIGHT - AXIS - 4) * bucket.count) / max);
    const rect = svgEl('rect', { x: index * barWidth + 1, y: HEIGHT - AXIS - h, width: Math.max(1, barWidth - 2), height: h, class: 'map-histogram-bar', 'data-count': bucket.count });
    const title = svgEl('title');
    title.textContent = `${formatDuration(bucket.fromMs)} – ${formatDuration(bucket.toMs)}: ${formatCount(bucket.count)}`;
    rect.appendChild(title);
    svg.appendChild(rect);
  });
  svg.appendChild(svgEl('line', { x1: 0, y1: HEIGHT - AXIS, x2: WIDTH, y2: HEIGHT - AXIS, class: 'map-histogram-axis' }));
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  if (first && last) {
    svg.appendChild(svgText(formatDuration(first.fromMs), { x: 0, y: HEIGHT - 3, class: 'map-histogram-tick' }));
    svg.appendChild(svgText(formatDuration(last.toMs), { x: WIDTH, y: HEIGHT - 3, class: 'map-histogram-tick', 'text-anchor': 'end' }));
  }
  return svg;
}
