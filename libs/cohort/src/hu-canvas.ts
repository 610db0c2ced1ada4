/**
 * A square float canvas in Hounsfield units addressed in normalized coordinates (-1..1 on both axes,
 * y pointing posterior as in a standard axial display). Shapes are painted over their bounding box
 * only, which is what keeps a 256 x 256 slice at a few milliseconds.
 */
// Math functions bound once: under jest (vm contexts) every global lookup in a hot loop is ~50x slower.
const { max, min, floor, ceil } = Math;

export class HuCanvas {
  readonly hu: Float32Array;
  private readonly half: number;

  constructor(readonly size: number, background: number) {
    this.hu = new Float32Array(size * size).fill(background);
    this.half = size / 2;
  }

  /** Pixel index range [lo, hi) covering normalized interval [c - r, c + r]. */
  private span(c: number, r: number): [number, number] {
    const lo = max(0, floor((c - r + 1) * this.half));
    const hi = min(this.size, ceil((c + r + 1) * this.half) + 1);
    return [lo, hi];
  }

  /** Normalized coordinate of a pixel centre. */
  coord(pixel: number): number {
    return (pixel + 0.5) / this.half - 1;
  }

  /**
   * Visits every pixel inside the axis-aligned ellipse; `paint` gets the pixel index, the normalized
   * coordinates and q = (dx/ax)^2 + (dy/ay)^2 in [0, 1) (0 at the centre) for radial profiles.
   */
  forEachInEllipse(
    cx: number,
    cy: number,
    ax: number,
    ay: number,
    paint: (index: number, x: number, y: number, q: number) => void,
  ): void {
    const [x0, x1] = this.span(cx, ax);
    const [y0, y1] = this.span(cy, ay);
    for (let py = y0; py < y1; py++) {
      const y = this.coord(py);
      const dy = (y - cy) / ay;
      const dy2 = dy * dy;
      if (dy2 >= 1) continue;
      const row = py * this.size;
      for (let px = x0; px < x1; px++) {
        const x = this.coord(px);
        const dx = (x - cx) / ax;
        const q = dx * dx + dy2;
        if (q < 1) paint(row + px, x, y, q);
      }
    }
  }

  fillEllipse(cx: number, cy: number, ax: number, ay: number, value: number): void {
    const hu = this.hu;
    this.forEachInEllipse(cx, cy, ax, ay, (i) => {
      hu[i] = value;
    });
  }

  /** Visits pixels within `radius` of (cx, cy) with the squared normalized distance. */
  forEachNear(cx: number, cy: number, radius: number, visit: (index: number, d2: number) => void): void {
    const [x0, x1] = this.span(cx, radius);
    const [y0, y1] = this.span(cy, radius);
    const r2 = radius * radius;
    for (let py = y0; py < y1; py++) {
      const dy = this.coord(py) - cy;
      const row = py * this.size;
      for (let px = x0; px < x1; px++) {
        const dx = this.coord(px) - cx;
        const d2 = dx * dx + dy * dy;
        if (d2 <= r2) visit(row + px, d2);
      }
    }
  }
}
