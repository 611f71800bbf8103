/**
 * The tail view's chrome, everything around the rows (`tailView.ts` owns the elements and calls
 * these on every change): the status text, the toolbar buttons' labels and pressed states, the
 * notes above the list (stopped with Restart, polling/reconnecting, sampling, lines dropped at
 * the cap, paused, a line that could not be revealed) and the empty state. Log text and names
 * are hostile: everything is set as text. Only `shared/`, pure `core/` and webview modules.
 */
import type { TailedGroup, TailViewStatus } from '../../shared/tailMessages';
import { button, el } from '../timeline/dom';
import type { TailModel } from './tailModel';

/** Status line: state, source, rate, billed minutes; the state also goes to `root.dataset.state`. */
export function renderTailStatus(root: HTMLElement, statusText: HTMLElement, status: TailViewStatus | undefined): void {
  root.dataset.state = status?.state ?? 'connecting';
  if (status === undefined) {
    statusText.textContent = 'Connecting…';
    return;
  }
  const rate = `${status.eventsPerSecond >= 10 ? Math.round(status.eventsPerSecond) : Math.round(status.eventsPerSecond * 10) / 10} ev/s`;
  const source = status.source === 'liveTail' ? 'Live Tail' : 'Polling';
  const billed = status.source === 'liveTail' || status.billedMinutes > 0 ? ` · ${status.billedMinutes} min billed` : '';
  const words: Record<TailViewStatus['state'], string> = { connecting: 'Connecting', live: 'Live', polling: 'Polling', reconnecting: 'Reconnecting', stopped: 'Stopped' };
  statusText.textContent = status.state === 'stopped' ? `${words.stopped}${billed}` : `${words[status.state]} · ${source} · ${rate}${billed}`;
  statusText.title = status.message ?? '';
}

export interface TailButtons {
  pause: HTMLButtonElement;
  follow: HTMLButtonElement;
  run: HTMLButtonElement;
}

/** Pause/Resume (with the count of waiting lines), Follow's pressed state, Stop/Restart. */
export function renderTailButtons(buttons: TailButtons, model: TailModel, follow: boolean, status: TailViewStatus | undefined): void {
  const waiting = model.waitingCount;
  buttons.pause.textContent = model.paused ? `Resume${waiting > 0 ? ` (${waiting} new)` : ''}` : 'Pause';
  buttons.pause.setAttribute('aria-pressed', String(model.paused));
  buttons.follow.setAttribute('aria-pressed', String(follow));
  buttons.follow.classList.toggle('tail-on', follow);
  const stopped = status?.state === 'stopped';
  buttons.run.textContent = stopped ? 'Restart' : 'Stop';
  buttons.run.title = stopped ? 'Start the tail again' : 'Stop the tail (Live Tail is billed per minute while it runs)';
}

/** The notes above the list, in order; `restart` is what the stopped note's Restart button does. */
export function tailNotes(status: TailViewStatus | undefined, model: TailModel, revealNote: string | undefined, restart: () => void): HTMLElement[] {
  const notes: HTMLElement[] = [];
  if (status?.state === 'stopped' && status.message !== undefined) {
    notes.push(el('div', { className: `tail-note ${status.error === true ? 'tail-note-error' : ''}`, attrs: { role: status.error === true ? 'alert' : 'status' } }, [el('span', { text: status.message }), button('Restart', 'tl-link-button tail-note-restart', restart)]));
  } else if (status?.message !== undefined && (status.state === 'polling' || status.state === 'reconnecting')) {
    notes.push(el('div', { className: 'tail-note', attrs: { role: 'status' }, text: status.message }));
  }
  if (status?.sampled === true) {
    notes.push(el('div', { className: 'tail-note tail-note-warning tail-sampled', attrs: { role: 'status' }, text: '⚠ AWS is sampling: more than 500 events per second match, so some lines are missing. A filter pattern narrows the events.' }));
  }
  if (model.droppedAtCap > 0) {
    notes.push(el('div', { className: 'tail-note tail-note-dim tail-dropped', text: `${model.droppedAtCap.toLocaleString('en-US')} older line${model.droppedAtCap === 1 ? '' : 's'} dropped: the view keeps the newest ${model.maxLines.toLocaleString('en-US')} (serverlessLens.tail.maxLines).` }));
  }
  if (model.paused) {
    notes.push(el('div', { className: 'tail-note tail-paused', attrs: { role: 'status' }, text: `Paused: ${model.waitingCount} new line${model.waitingCount === 1 ? '' : 's'} waiting. Resume (P) to show them.` }));
  }
  if (revealNote !== undefined) notes.push(el('div', { className: 'tail-note tail-reveal-note', attrs: { role: 'status' }, text: revealNote }));
  return notes;
}

/** The empty state (hidden while there are rows): nothing matches, stopped, or waiting. */
export function renderTailEmpty(empty: HTMLElement, model: TailModel, groups: readonly TailedGroup[], status: TailViewStatus | undefined): void {
  const hasLines = model.visible.length > 0;
  empty.hidden = hasLines;
  if (hasLines) return;
  const tailed = groups.map((group) => `${group.functionName} (${group.logGroupName})`).join(', ');
  if (model.size > 0 && model.filter.kind === 'regex') {
    empty.replaceChildren(el('p', { text: `No line matches ${model.filter.text} (${model.size} hidden).` }));
  } else if (status?.state === 'stopped') {
    empty.replaceChildren(el('p', { text: 'The tail is stopped.' }), el('p', { className: 'tl-dim', text: `Tailed: ${tailed}` }));
  } else {
    empty.replaceChildren(el('p', { className: 'tail-waiting', text: 'Waiting for log events…' }), el('p', { className: 'tl-dim', text: `Tailing ${tailed}${status?.filterPattern !== undefined ? ` with the filter pattern ${status.filterPattern}` : ''}` }));
  }
}
