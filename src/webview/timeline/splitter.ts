/** The draggable (and keyboard-operable) separator between the tree and the details pane. */
import { el } from './dom';

const MIN_RATIO = 0.12;
const MAX_RATIO = 0.85;

export function clampRatio(ratio: number): number {
  return Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio));
}

/** Splits `top` and `bottom` by flex-grow shares, so no pixel size is ever measured at rest. */
export function applyRatio(top: HTMLElement, bottom: HTMLElement, ratio: number): void {
  top.style.flexGrow = String(1 - ratio);
  bottom.style.flexGrow = String(ratio);
}

export function createSplitter(top: HTMLElement, bottom: HTMLElement, initial: number, onChange: (ratio: number) => void): HTMLElement {
  let ratio = clampRatio(initial);
  const splitter = el('div', {
    className: 'tl-splitter',
    attrs: { role: 'separator', 'aria-orientation': 'horizontal', 'aria-label': 'Resize details pane', tabindex: '0', 'aria-valuemin': '12', 'aria-valuemax': '85' },
  });
  const set = (next: number): void => {
    ratio = clampRatio(next);
    applyRatio(top, bottom, ratio);
    splitter.setAttribute('aria-valuenow', String(Math.round(ratio * 100)));
    onChange(ratio);
  };
  applyRatio(top, bottom, ratio);
  splitter.setAttribute('aria-valuenow', String(Math.round(ratio * 100)));
  splitter.addEventListener('pointerdown', (event) => {
    const topRect = top.getBoundingClientRect();
    const total = topRect.height + bottom.getBoundingClientRect().height;
    const origin = topRect.top;
    splitter.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent): void => set(1 - (e.clientY - origin) / total);
    const up = (): void => {
      splitter.removeEventListener('pointermove', move);
      splitter.removeEventListener('pointerup', up);
    };
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', up);
  });
  splitter.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      set(ratio + (event.key === 'ArrowUp' ? 0.05 : -0.05));
    }
  });
  return splitter;
}
