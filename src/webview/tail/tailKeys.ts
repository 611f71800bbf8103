/**
 * Keyboard navigation of the tail list (`tailView.ts` handles the keys): the row an arrow, page
 * or Home key moves the selection to. Pure; no DOM.
 */

/**
 * The row `key` moves the selection to from row `current` (-1: nothing selected) in a list of
 * `count` rows, or undefined when `key` is not a navigation key. The result may be -1 in an empty
 * list; the caller checks it. `pageSize` is asked only for PageUp and PageDown.
 */
export function rowForNavigationKey(key: string, current: number, count: number, pageSize: () => number): number | undefined {
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, current + 1);
    case 'ArrowUp':
      return current < 0 ? count - 1 : Math.max(0, current - 1);
    case 'PageDown':
      return Math.min(count - 1, Math.max(0, current) + pageSize());
    case 'PageUp':
      return Math.max(0, (current < 0 ? count - 1 : current) - pageSize());
    case 'Home':
      return 0;
    default:
      return undefined;
  }
}
