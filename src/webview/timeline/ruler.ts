/** The time ruler: "nice" tick steps (1, 2, 5 × 10ⁿ ms) and their labels. */
import { el } from './dom';
import { formatDuration } from './format';

export interface Tick {
  ms: number;
  /** Position on the ruler, 0..100 (%). */
  percent: number;
  label: string;
}

export function computeTicks(durationMs: number, maxTicks: number): Tick[] {
  if (!(durationMs > 0) || maxTicks < 1) {
    return [{ ms: 0, percent: 0, label: '0' }];
  }
  const rough = durationMs / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: Tick[] = [];
  for (let ms = 0; ms <= durationMs + step * 1e-9; ms += step) {
    ticks.push({ ms, percent: (ms / durationMs) * 100, label: ms === 0 ? '0' : formatDuration(ms) });
  }
  return ticks;
}

/** Fills the ruler (labels) and the grid overlay (lines) from the same ticks so they align. */
export function renderRuler(ruler: HTMLElement, grid: HTMLElement, durationMs: number): void {
  const width = ruler.clientWidth || 600;
  const ticks = computeTicks(durationMs, Math.max(2, Math.floor(width / 90)));
  const labels: HTMLElement[] = [];
  const lines: HTMLElement[] = [];
  for (const tick of ticks) {
    const label = el('span', { className: 'tl-tick', text: tick.label });
    label.style.left = `${tick.percent}%`;
    if (tick.percent > 92) {
      label.classList.add('tl-tick-end');
    }
    labels.push(label);
    const line = el('span', { className: 'tl-gridline' });
    line.style.left = `${tick.percent}%`;
    lines.push(line);
  }
  ruler.replaceChildren(...labels);
  grid.replaceChildren(...lines);
}
