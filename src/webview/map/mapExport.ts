/**
 * Export of the map as a standalone SVG (the theme's colours resolved into attributes, so it
 * looks the same outside VS Code) and as a PNG drawn from that SVG on a canvas. The page only
 * produces the data; the host asks where to save it.
 */
import { MAP_NODE_HEIGHT, MAP_NODE_WIDTH } from '../../shared/mapMessages';
import type { Bounds } from './viewport';
import { SVG_NS } from './svg';

const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const PADDING = 24;
/** Canvas area limit (pixels): far below Chromium's, and a PNG that size is still tens of MB. */
const MAX_PIXELS = 40_000_000;

const STYLE_PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'stroke-linejoin', 'stroke-linecap', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'color', 'paint-order'];

/** Copies the computed presentation of `live` (and its subtree) onto `copy` as attributes. */
function inlineStyles(live: Element, copy: Element): void {
  const style = getComputedStyle(live);
  if (style.display === 'none' || style.visibility === 'hidden') {
    copy.remove();
    return;
  }
  for (const prop of STYLE_PROPS) {
    const value = style.getPropertyValue(prop);
    if (value !== '' && value !== 'normal' && !(prop === 'stroke-dasharray' && value === 'none')) copy.setAttribute(prop, value);
  }
  for (const name of ['class', 'tabindex', 'role', 'aria-pressed', 'data-id', 'data-type', 'data-edge']) copy.removeAttribute(name);
  const href = copy.getAttribute('href');
  if (copy.localName === 'use' && href !== null) copy.setAttributeNS(XLINK_NS, 'xlink:href', href);
  const liveChildren = [...live.children];
  const copyChildren = [...copy.children];
  liveChildren.forEach((child, index) => {
    const twin = copyChildren[index];
    if (twin) inlineStyles(child, twin);
  });
}

export interface ExportParts {
  defs: SVGDefsElement;
  content: SVGGElement;
  legend?: SVGSVGElement | undefined;
  bounds: Bounds;
  /** The page background (`--vscode-editor-background` as computed). */
  background: string;
  title: string;
}

/** The map as SVG text: a valid, standalone document with the colours of the current theme. */
export function exportSvgText(parts: ExportParts): { text: string; width: number; height: number } {
  const { bounds } = parts;
  const mapWidth = bounds.maxX + MAP_NODE_WIDTH - bounds.minX + PADDING * 2;
  const mapHeight = bounds.maxY + MAP_NODE_HEIGHT - bounds.minY + PADDING * 2;
  const legendHeight = parts.legend ? Number(parts.legend.getAttribute('height') ?? 0) + PADDING : 0;
  const width = Math.ceil(Math.max(mapWidth, parts.legend ? Number(parts.legend.getAttribute('width') ?? 0) + PADDING * 2 : 0));
  const height = Math.ceil(mapHeight + legendHeight);
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttributeNS(XMLNS_NS, 'xmlns:xlink', XLINK_NS);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent = parts.title;
  svg.appendChild(title);
  const defs = parts.defs.cloneNode(true) as SVGDefsElement;
  inlineStyles(parts.defs, defs);
  svg.appendChild(defs);
  const background = document.createElementNS(SVG_NS, 'rect');
  for (const [name, value] of Object.entries({ x: '0', y: '0', width: String(width), height: String(height), fill: parts.background })) background.setAttribute(name, value);
  svg.appendChild(background);
  const content = parts.content.cloneNode(true) as SVGGElement;
  inlineStyles(parts.content, content);
  content.setAttribute('transform', `translate(${PADDING - bounds.minX} ${PADDING - bounds.minY})`);
  svg.appendChild(content);
  if (parts.legend) {
    const legend = document.createElementNS(SVG_NS, 'g');
    const copy = parts.legend.cloneNode(true) as SVGSVGElement;
    inlineStyles(parts.legend, copy);
    for (const child of [...copy.childNodes]) legend.appendChild(child);
    legend.setAttribute('transform', `translate(${PADDING} ${mapHeight})`);
    svg.appendChild(legend);
  }
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}`;
  return { text, width, height };
}

function base64OfUtf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** A PNG (base64, no `data:` prefix) of the SVG at up to 2× scale. */
export async function pngFromSvg(svgText: string, width: number, height: number): Promise<string> {
  const scale = Math.min(2, Math.sqrt(MAX_PIXELS / Math.max(1, width * height)));
  const image = new Image();
  image.src = `data:image/svg+xml;base64,${base64OfUtf8(svgText)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.floor(width * scale));
  canvas.height = Math.max(1, Math.floor(height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const url = canvas.toDataURL('image/png');
  return url.slice(url.indexOf(',') + 1);
}
