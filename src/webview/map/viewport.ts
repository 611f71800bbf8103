/**
 * Zoom and pan of the map: one `transform` on the viewport group, written at most once per
 * animation frame. A wheel burst is previewed as a CSS transform of the `<svg>` element (the
 * compositor scales the painted layer, no SVG re-layout) and committed to the group once the
 * wheel rests, so zoom frames cost the same on 500 nodes as on 5. Zoom keeps the point under the
 * cursor (or the centre) still.
 */
export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 4;
const FIT_PADDING = 40;
/** A wheel burst is committed this long after its last event. */
const COMMIT_AFTER_MS = 160;

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export class Viewport {
  zoom = 1;
  panX = 0;
  panY = 0;
  private frame: number | undefined;
  /** The transform the SVG group has (the preview is relative to it). */
  private committed = { zoom: 1, panX: 0, panY: 0 };
  private transient = false;
  private commitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly layer: SVGGElement,
    private readonly onChange: () => void,
  ) {}

  set(zoom: number, panX: number, panY: number, transient = false): void {
    this.zoom = clamp(zoom, MIN_ZOOM, MAX_ZOOM);
    this.panX = panX;
    this.panY = panY;
    this.transient = transient;
    this.schedule();
  }

  size(): { width: number; height: number } {
    // The stage, not the <svg>: a zoom preview transforms the <svg> itself.
    const rect = (this.svg.parentElement ?? this.svg).getBoundingClientRect();
    return { width: Math.max(1, rect.width), height: Math.max(1, rect.height) };
  }

  /** Multiplies the zoom by `factor`, keeping the screen point (cx, cy) (default: centre) still. */
  zoomBy(factor: number, cx?: number, cy?: number, transient = false): void {
    const { width, height } = this.size();
    const px = cx ?? width / 2;
    const py = cy ?? height / 2;
    const next = clamp(this.zoom * factor, MIN_ZOOM, MAX_ZOOM);
    const mapX = (px - this.panX) / this.zoom;
    const mapY = (py - this.panY) / this.zoom;
    this.set(next, px - mapX * next, py - mapY * next, transient);
  }

  panBy(dx: number, dy: number): void {
    this.set(this.zoom, this.panX + dx, this.panY + dy);
  }

  /** Shows all of `bounds` (node boxes of `boxWidth`×`boxHeight` at their top-left corners). */
  fit(bounds: Bounds, boxWidth: number, boxHeight: number): void {
    const { width, height } = this.size();
    const w = bounds.maxX + boxWidth - bounds.minX + FIT_PADDING * 2;
    const h = bounds.maxY + boxHeight - bounds.minY + FIT_PADDING * 2;
    const zoom = clamp(Math.min(width / w, height / h, 1.5), MIN_ZOOM, MAX_ZOOM);
    const panX = (width - (bounds.maxX + boxWidth - bounds.minX) * zoom) / 2 - bounds.minX * zoom;
    const panY = (height - (bounds.maxY + boxHeight - bounds.minY) * zoom) / 2 - bounds.minY * zoom;
    this.set(zoom, panX, panY);
  }

  /** Moves the map so the map point (x, y) is at the centre, zooming in to at least `minZoom`. */
  centerOn(x: number, y: number, minZoom = 0): void {
    const { width, height } = this.size();
    const zoom = Math.max(this.zoom, minZoom);
    this.set(zoom, width / 2 - x * zoom, height / 2 - y * zoom);
  }

  /** True when the map point is on screen. */
  isVisible(x: number, y: number): boolean {
    const { width, height } = this.size();
    const sx = x * this.zoom + this.panX;
    const sy = y * this.zoom + this.panY;
    return sx >= 0 && sy >= 0 && sx <= width && sy <= height;
  }

  transform(): string {
    return `translate(${round(this.panX)} ${round(this.panY)}) scale(${round(this.zoom, 10_000)})`;
  }

  /** Writes the pending transform now (tests and export want it settled). */
  flush(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    this.commit();
  }

  dispose(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    if (this.commitTimer !== undefined) clearTimeout(this.commitTimer);
    this.frame = undefined;
  }

  private schedule(): void {
    this.onChange();
    this.frame ??= requestAnimationFrame(() => {
      this.frame = undefined;
      if (this.transient) this.preview();
      else this.commit();
    });
  }

  /** The change since the committed transform, as a CSS transform of the whole `<svg>`. */
  private preview(): void {
    const k = this.zoom / this.committed.zoom;
    const tx = this.panX - k * this.committed.panX;
    const ty = this.panY - k * this.committed.panY;
    this.svg.classList.add('map-previewing');
    this.svg.style.transform = `translate(${round(tx)}px, ${round(ty)}px) scale(${round(k, 10_000)})`;
    if (this.commitTimer !== undefined) clearTimeout(this.commitTimer);
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      this.commit();
    }, COMMIT_AFTER_MS);
  }

  private commit(): void {
    if (this.commitTimer !== undefined) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.transient = false;
    this.committed = { zoom: this.zoom, panX: this.panX, panY: this.panY };
    this.layer.setAttribute('transform', this.transform());
    if (this.svg.classList.contains('map-previewing')) {
      this.svg.style.transform = '';
      this.svg.classList.remove('map-previewing');
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, scale = 100): number {
  return Math.round(value * scale) / scale;
}
