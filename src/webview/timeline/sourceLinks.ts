/**
 * "Go to source" in the timeline: which spans and rows offer it, the button and keyboard
 * shortcut that trigger it, and stack frames rendered as links to their line. The page only
 * names a span or a frame by its indexes; the host resolves paths and opens files, so no path
 * from the trace is ever interpreted here beyond telling the user's code from runtime code.
 */
import { fileUrlToPath, isRuntimePath } from '../../core/framePaths';
import type { TimelineRows } from '../../shared/timelineRows';
import { ROW_FLAG, SPAN_STATUSES } from '../../shared/timelineRows';
import type { Span, StackFrame } from '../../shared/traceModel';
import { button, el } from './dom';
import { icon } from './icons';

/** The shortcut, shown in titles; matched case-insensitively (Shift+G works too). */
export const GO_TO_SOURCE_KEY = 'G';
export const GO_TO_SOURCE_TITLE = `Go to source (${GO_TO_SOURCE_KEY})`;
export const RUNTIME_FRAME_TITLE = 'Runtime or library code';

/**
 * A failing span: an error or fault, one that records exceptions (also when another span's cause
 * references them), or one whose cause points at an exception recorded on another span.
 */
export function isFailingSpan(span: Span): boolean {
  const cause = span.cause;
  return span.status === 'error' || span.status === 'fault' || (cause !== undefined && (cause.exceptions.length > 0 || cause.reference !== undefined));
}

/** True for a row that records exceptions: it gets the row's "go to source" icon. */
export function rowHasException(rows: TimelineRows, i: number): boolean {
  return ((rows.flags[i] ?? 0) & ROW_FLAG.hasException) !== 0;
}

/**
 * What the rows can tell of `isFailingSpan` without the full span (a cause reference on an ok
 * span is not in the rows): `G` on the selected row uses it, so it works before details load.
 */
export function rowIsFailing(rows: TimelineRows, i: number): boolean {
  const status = SPAN_STATUSES[rows.status[i] ?? 0];
  return status === 'error' || status === 'fault' || rowHasException(rows, i);
}

/** `G` with no modifier other than Shift, not typed into a text field. */
export function isGoToSourceKey(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.altKey || event.metaKey || event.key.toUpperCase() !== GO_TO_SOURCE_KEY) {
    return false;
  }
  const target = event.target;
  return !(target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement);
}

/** The prominent button at the top of a failing span's details. */
export function goToSourceButton(onClick: () => void): HTMLButtonElement {
  const node = button('', 'tl-button tl-go-to-source', onClick);
  node.title = GO_TO_SOURCE_TITLE;
  node.setAttribute('aria-keyshortcuts', GO_TO_SOURCE_KEY);
  node.append(icon('goToSource'), el('span', { text: 'Go to source' }));
  return node;
}

/** The small icon of a row; rows are recycled, so it is created once and shown by a class. */
export function rowSourceButton(): HTMLButtonElement {
  // Out of the tab order and hidden from screen readers: the tree keeps focus (one tab stop,
  // aria-activedescendant), and `G` on the row does the same, announced by aria-keyshortcuts.
  const node = el('button', { className: 'tl-icon-button tl-row-source', title: GO_TO_SOURCE_TITLE, attrs: { type: 'button', tabindex: '-1', 'aria-hidden': 'true' } });
  node.appendChild(icon('goToSource'));
  return node;
}

function frameText(frame: StackFrame): string {
  const where = frame.path ? ` (${frame.path}${frame.line !== undefined ? `:${frame.line}` : ''})` : '';
  return `${frame.label ?? '<anonymous>'}${where}`;
}

/** True when the frame names a path in the user's own code, the only frames worth opening. */
export function isOwnCodeFrame(frame: StackFrame): boolean {
  const path = frame.path?.trim() ?? '';
  return path !== '' && !isRuntimePath(fileUrlToPath(path));
}

/**
 * One stack frame: a link-styled button for the user's own code, dimmed text for runtime or
 * library code (nothing to fix there), plain text for a frame without a path (nothing to open).
 */
export function frameNode(frame: StackFrame, open: () => void): HTMLElement {
  const text = frameText(frame);
  const path = frame.path?.trim() ?? '';
  if (path === '') {
    return el('div', { className: 'tl-frame', text, attrs: { role: 'listitem' } });
  }
  if (!isOwnCodeFrame(frame)) {
    return el('div', { className: 'tl-frame tl-frame-runtime', text, title: RUNTIME_FRAME_TITLE, attrs: { role: 'listitem' } });
  }
  const link = button(text, 'tl-link-button tl-frame-link', open);
  link.title = `Open ${path}${frame.line !== undefined ? `:${frame.line}` : ''}`;
  return el('div', { className: 'tl-frame', attrs: { role: 'listitem' } }, [link]);
}
