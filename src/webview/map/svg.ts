/**
 * SVG element helpers. Every piece of graph text reaches the page through `textContent` or
 * `setAttribute`, never through markup parsing: node names come from traces and are hostile.
 */
export const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, children: (Node | undefined)[] = []): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child) node.appendChild(child);
  }
  return node;
}

export function svgText(text: string, attrs: Record<string, string | number>): SVGTextElement {
  const node = svgEl('text', attrs);
  node.textContent = text;
  return node;
}
