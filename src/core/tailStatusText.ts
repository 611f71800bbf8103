/**
 * The words of the tail's status bar item, pure so they are tested without VS Code:
 * `$(pulse) Tail · 2 fns · 34 ev/s`, with a warning mark while AWS samples the events.
 */

export interface TailStatusFigures {
  sessions: number;
  functions: number;
  eventsPerSecond: number;
  billedMinutes: number;
  sampled: boolean;
  /** `liveTail`, `polling`, or both across sessions. */
  sources: readonly ('liveTail' | 'polling')[];
  functionNames: readonly string[];
}

/** `34 ev/s`, `2.5 ev/s`, `1.2k ev/s`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0 ev/s';
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k ev/s`;
  if (perSecond < 10) return `${Math.round(perSecond * 10) / 10} ev/s`;
  return `${Math.round(perSecond)} ev/s`;
}

export function tailStatusText(figures: TailStatusFigures): string {
  const fns = `${figures.functions} fn${figures.functions === 1 ? '' : 's'}`;
  return `${figures.sampled ? '$(warning)' : '$(pulse)'} Tail · ${fns} · ${formatRate(figures.eventsPerSecond)}`;
}

/** Markdown lines of the tooltip (the caller escapes nothing: function names are plain text here). */
export function tailStatusTooltip(figures: TailStatusFigures): string[] {
  const sources = [...new Set(figures.sources)].map((source) => (source === 'liveTail' ? 'Live Tail' : 'FilterLogEvents polling')).join(' and ');
  const lines = [
    `Tailing ${figures.functionNames.join(', ')}${figures.sessions > 1 ? ` in ${figures.sessions} tails` : ''}`,
    `Source: ${sources || 'Live Tail'}`,
    `Live Tail minutes billed so far: ${figures.billedMinutes}`,
    `Rate: ${formatRate(figures.eventsPerSecond)}`,
  ];
  if (figures.sampled) lines.push('AWS is sampling the events (more than 500 per second): some lines are missing.');
  lines.push('Click to show the tail.');
  return lines;
}
