/**
 * Small DOM helpers. Every piece of trace text reaches the page through `textContent` or an
 * attribute set with `setAttribute`, never through HTML parsing: trace content is hostile.
 */

export interface ElementOptions {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: (Node | undefined)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) {
    node.className = options.className;
  }
  if (options.text !== undefined) {
    node.textContent = options.text;
  }
  if (options.title !== undefined) {
    node.title = options.title;
  }
  if (options.attrs) {
    for (const [name, value] of Object.entries(options.attrs)) {
      node.setAttribute(name, value);
    }
  }
  for (const child of children) {
    if (child) {
      node.appendChild(child);
    }
  }
  return node;
}

/** A button with type="button" so it never submits anything. */
export function button(label: string, className: string, onClick: (event: MouseEvent) => void, ariaLabel?: string): HTMLButtonElement {
  const node = el('button', { className, text: label, attrs: { type: 'button' } });
  if (ariaLabel) {
    node.setAttribute('aria-label', ariaLabel);
    node.title = ariaLabel;
  }
  node.addEventListener('click', onClick);
  return node;
}

/** Text only screen readers announce (status words the colour alone would carry). */
export function srOnly(text: string): HTMLSpanElement {
  return el('span', { className: 'sr-only', text });
}

export function clear(node: Element): void {
  node.replaceChildren();
}
