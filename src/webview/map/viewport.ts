/**
 * Zoom and pan of the map: one `transform` on the viewport group, written at most once per
 * animation frame. A gesture (a wheel burst, a drag) is previewed as a CSS transform of the
 * `<svg>`, which is its own compositor layer: the compositor moves or scales the painted layer
 * with no SVG style, layout or paint on the main thread, so a frame costs the same on 500 nodes
 * as on 5. The gesture is committed to the group once it ends (the wheel rests, the pointer is
 * released). The `<svg>` overhangs the stage by `OVERSCAN` of its size on every side, so a drag
 * shows map that is already painted; a drag that would uncover the overhang commits on the way.
 * Zoom keeps the point under the cursor (or the centre) still. The stage size is read once and
 * then kept by a ResizeObserver, so no call here forces a layout of the map.
 */
export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 4;
const FIT_PADDING = 40;
/** A wheel burst is committed this long after its last event. */
const COMMIT_AFTER_MS = 160;
/** How far the `<svg>` reaches past the stage on each side, as a share of the stage's size. */
export const OVERSCAN = 0.25;

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

interface Size {
  width: number;
  height: number;
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
  private stageSize: Size | undefined;
  private readonly resize: ResizeObserver;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly layer: SVGGElement,
    private readonly onChange: () => void,
  ) {
    this.resize = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box === undefined) return;
      const size = { width: Math.max(1, box.width), height: Math.max(1, box.height) };
      if (size.width === this.stageSize?.width && size.height === this.stageSize.height) return;
      this.stageSize = size;
      this.placeSvg();
      this.commit();
    });
  }

  /** Starts following the stage's size; call once the `<svg>` is in its stage. */
  attach(): void {
    const stage = this.svg.parentElement;
    if (stage === null) return;
    this.resize.observe(stage);
    this.size();
    this.placeSvg();
  }

  /** Zoom and pan (stage pixels); `transient` previews it on the compositor until committed. */
  set(zoom: number, panX: number, panY: number, transient = false): void {
    this.zoom = clamp(zoom, MIN_ZOOM, MAX_ZOOM);
    this.panX = panX;
    this.panY = panY;
    this.transient = transient;
    this.schedule();
  }

  /** The stage's size; measured only when nothing is known yet (before the map is drawn). */
  size(): Size {
    if (this.stageSize === undefined) {
      const rect = (this.svg.parentElement ?? this.svg).getBoundingClientRect();
      this.stageSize = { width: Math.max(1, rect.width), height: Math.max(1, rect.height) };
    }
    return this.stageSize;
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

  /**
   * Shows all of `bounds` (node boxes of `boxWidth`×`boxHeight` at their top-left corners) above
   * the bottom `reserve` pixels of the stage (where the legend floats), so no node fits under it.
   */
  fit(bounds: Bounds, boxWidth: number, boxHeight: number, reserve = 0): void {
    const { width } = this.size();
    const height = Math.max(this.size().height / 2, this.size().height - reserve);
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

  /** The group's transform: the stage's pan, plus the overhang of the `<svg>` past the stage. */
  transform(): string {
    const { x, y } = this.overhang();
    return `translate(${round(this.panX + x)} ${round(this.panY + y)}) scale(${round(this.zoom, 10_000)})`;
  }

  /** Writes the pending transform now (tests and export want it settled; a drag ends). */
  flush(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    this.commit();
  }

  dispose(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    if (this.commitTimer !== undefined) clearTimeout(this.commitTimer);
    this.frame = undefined;
    this.resize.disconnect();
  }

  private overhang(): { x: number; y: number } {
    const { width, height } = this.size();
    return { x: Math.round(width * OVERSCAN), y: Math.round(height * OVERSCAN) };
  }

  /** The `<svg>` box: the stage plus the overhang on every side (CSSOM writes, which the CSP allows). */
  private placeSvg(): void {
    const { width, height } = this.size();
    const { x, y } = this.overhang();
    const style = this.svg.style;
    style.left = `${-x}px`;
    style.top = `${-y}px`;
    style.width = `${width + 2 * x}px`;
    style.height = `${height + 2 * y}px`;
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
    const { x, y } = this.overhang();
    // The <svg> is scaled about its own top-left corner, which sits at (-x, -y) on the stage.
    const tx = this.panX - k * this.committed.panX - (k - 1) * x;
    const ty = this.panY - k * this.committed.panY - (k - 1) * y;
    if (k === 1 && (Math.abs(tx) > x || Math.abs(ty) > y)) {
      // A drag past the overhang would show unpainted stage: draw it where it is now, go on from there.
      this.commit();
      return;
    }
    this.svg.style.transform = `translate(${round(tx)}px, ${round(ty)}px) scale(${round(k, 10_000)})`;
    if (this.commitTimer !== undefined) clearTimeout(this.commitTimer);
    // A wheel burst ends when the wheel rests; a drag ends when the pointer is released (`flush`).
    if (k !== 1) {
      this.commitTimer = setTimeout(() => {
        this.commitTimer = undefined;
        this.commit();
      }, COMMIT_AFTER_MS);
    }
  }

  private commit(): void {
    if (this.commitTimer !== undefined) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.transient = false;
    this.committed = { zoom: this.zoom, panX: this.panX, panY: this.panY };
    this.layer.setAttribute('transform', this.transform());
    if (this.svg.style.transform !== '') this.svg.style.transform = '';
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, scale = 100): number {
  return Math.round(value * scale) / scale;
}
