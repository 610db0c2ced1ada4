import { DGP } from './dgp';
import { HuCanvas } from './hu-canvas';
import { clamp, sigmoid } from './math';
import { addPixelNoise } from './pixel-noise';
import type { Rng } from './rng';

// Math functions bound once: under jest (vm contexts) every global lookup in a hot loop is ~50x slower.
const { exp, round, sqrt, atan2, cos, abs, log, PI, sin, min } = Math;

/** Tissue densities (HU). Values are typical textbook figures, jittered per patient where noted. */
const AIR = -1000;
const FAT = -100;
const SOFT_TISSUE = 40;
const LUNG_ANTERIOR = -870;
const LUNG_POSTERIOR = -810;
/** Ground glass saturates below this, so overlapping blobs do not turn into soft tissue. */
const OPACITY_CEILING = -150;
const HU_MIN = -1024;
const HU_MAX = 3071;

/**
 * Renders one axial chest CT slice in Hounsfield units: air, elliptical body with a fat rim, two lung
 * fields around a heart/mediastinum, spine, ribs, sternum, lung vessels, ground-glass opacities and
 * nodules whose burden grows with the respiratory factor, Gaussian noise and (about 3 %) a streak or
 * ring artefact. Row-major, anterior at the top, `size` x `size` pixels.
 */
export function renderSliceHu(rng: Rng, respiratory: number, size = 256): Int16Array {
  if (!Number.isInteger(size) || size < 8 || size > 4096) throw new RangeError(`image size must be an integer in 8..4096, got ${size}`);
  const canvas = new HuCanvas(size, AIR);
  const hu = canvas.hu;

  // Body habitus: a wider/narrower thorax and a thicker/thinner fat rim per patient.
  const cx = rng.range(-0.03, 0.03);
  const cy = rng.range(0.02, 0.08);
  const ax = rng.range(0.78, 0.88);
  const ay = rng.range(0.56, 0.66);
  const fat = rng.range(0.04, 0.11);
  drawTable(canvas, cy + ay);
  canvas.fillEllipse(cx, cy, ax, ay, FAT + rng.range(-15, 15));
  canvas.fillEllipse(cx, cy, ax - fat, ay - fat, SOFT_TISSUE + rng.range(-10, 10));

  // Lungs: two ellipses, density increasing posteriorly (dependent lung), with a lung mask for opacities.
  const lungMask = new Uint8Array(size * size);
  const lungScale = rng.range(0.92, 1.06);
  const lungAx = 0.27 * lungScale * (ax / 0.83);
  const lungAy = 0.4 * lungScale * (ay / 0.61);
  const lungCy = cy - 0.04;
  const lungs: [number, number][] = [
    [cx - 0.36 * (ax / 0.83), lungCy],
    [cx + 0.36 * (ax / 0.83), lungCy],
  ];
  for (const [lx, ly] of lungs) {
    canvas.forEachInEllipse(lx, ly, lungAx, lungAy, (i, _x, y) => {
      const depth = (y - (ly - lungAy)) / (2 * lungAy);
      hu[i] = LUNG_ANTERIOR + (LUNG_POSTERIOR - LUNG_ANTERIOR) * depth;
      lungMask[i] = 1;
    });
  }
  // Heart overlaps the medial lung borders, giving the concave mediastinal outline; aorta next to the spine.
  paintSolid(canvas, lungMask, cx + 0.07, cy - 0.02, 0.21, 0.19, SOFT_TISSUE + rng.range(-5, 10));
  paintSolid(canvas, lungMask, cx + 0.1, cy + 0.3, 0.05, 0.05, SOFT_TISSUE + 5);
  drawSkeleton(canvas, lungMask, rng, cx, cy, ax, ay, fat);
  drawVessels(canvas, lungMask, rng, lungs, lungAx, lungAy);

  const lungPixels = countMask(lungMask);
  drawGroundGlass(canvas, lungMask, lungPixels, rng, respiratory, lungs, lungAx, lungAy);
  drawNodules(canvas, lungMask, rng, respiratory, lungs, lungAx, lungAy);

  if (rng.bernoulli(DGP.imaging.artefactRate)) {
    if (rng.bernoulli(0.6)) drawStreaks(canvas, rng, cx, cy, ay);
    else drawRing(canvas, rng);
  }

  // Quantum noise, then quantize to the int16 range a CT scanner stores (-1024..3071 HU).
  addPixelNoise(rng, hu, rng.range(10, 22));
  const out = new Int16Array(size * size);
  for (let i = 0; i < hu.length; i++) out[i] = round(clamp(hu[i], HU_MIN, HU_MAX));
  return out;
}

/** The ground-glass target fraction of lung area for a respiratory factor and one noise draw. */
function opacityFraction(respiratory: number, noise: number): number {
  const c = DGP.imaging;
  return c.opacityMaxFraction * sigmoid(c.opacityIntercept + c.opacitySlope * (respiratory + c.opacityNoise * noise));
}

function drawGroundGlass(
  canvas: HuCanvas,
  lungMask: Uint8Array,
  lungPixels: number,
  rng: Rng,
  respiratory: number,
  lungs: [number, number][],
  lungAx: number,
  lungAy: number,
): void {
  const target = opacityFraction(respiratory, rng.normal()) * lungPixels;
  const opacity = new Float32Array(canvas.hu.length);
  const pixelsPerUnit2 = (canvas.size / 2) ** 2;
  let covered = 0;
  // Blobs are added until their nominal area (where they lift the lung above -750 HU) reaches the target.
  for (let blob = 0; blob < 200 && covered < target; blob++) {
    const [bx, by] = pointInLungs(rng, lungs, lungAx, lungAy, true);
    const sigma = rng.range(0.025, 0.08);
    const amplitude = rng.range(350, 650);
    const visibleRadius2 = 2 * sigma * sigma * log(amplitude / 110);
    covered += PI * visibleRadius2 * pixelsPerUnit2;
    const inv = 1 / (2 * sigma * sigma);
    canvas.forEachNear(bx, by, 3 * sigma, (i, d2) => {
      if (lungMask[i]) opacity[i] += amplitude * exp(-d2 * inv);
    });
  }
  // Soft saturation towards OPACITY_CEILING: overlaps look denser without ever exceeding ground glass.
  const hu = canvas.hu;
  for (let i = 0; i < hu.length; i++) {
    if (opacity[i] > 0) {
      const span = OPACITY_CEILING - hu[i];
      hu[i] += span * (1 - exp(-opacity[i] / span));
    }
  }
}

function drawNodules(
  canvas: HuCanvas,
  lungMask: Uint8Array,
  rng: Rng,
  respiratory: number,
  lungs: [number, number][],
  lungAx: number,
  lungAy: number,
): void {
  const c = DGP.imaging;
  const burden = opacityFraction(respiratory, 0) / c.opacityMaxFraction;
  const count = min(12, rng.poisson(c.nodulesBase + c.nodulesPerBurden * burden));
  for (let k = 0; k < count; k++) {
    const [nx, ny] = pointInLungs(rng, lungs, lungAx, lungAy, false);
    const radius = rng.range(0.012, 0.035);
    const density = rng.range(10, 60);
    const hu = canvas.hu;
    canvas.forEachNear(nx, ny, radius * 1.3, (i, d2) => {
      if (!lungMask[i]) return;
      // Solid core with a thin partial-volume rim.
      const w = clamp((radius * 1.3 - sqrt(d2)) / (radius * 0.3), 0, 1);
      hu[i] = hu[i] * (1 - w) + density * w;
    });
  }
}

/** A random point inside one of the lungs; `posterior` biases it dorsally (where opacities gather). */
function pointInLungs(rng: Rng, lungs: [number, number][], ax: number, ay: number, posterior: boolean): [number, number] {
  const [lx, ly] = rng.pick(lungs);
  for (;;) {
    const u = rng.range(-1, 1);
    const v = rng.range(-1, 1);
    if (u * u + v * v >= 0.85) continue;
    if (posterior && rng.uniform() > 0.45 + 0.35 * v) continue;
    return [lx + u * ax, ly + v * ay];
  }
}

function paintSolid(canvas: HuCanvas, lungMask: Uint8Array, x: number, y: number, ax: number, ay: number, value: number): void {
  const hu = canvas.hu;
  canvas.forEachInEllipse(x, y, ax, ay, (i) => {
    hu[i] = value;
    lungMask[i] = 0;
  });
}

function drawSkeleton(canvas: HuCanvas, lungMask: Uint8Array, rng: Rng, cx: number, cy: number, ax: number, ay: number, fat: number): void {
  const hu = canvas.hu;
  // Vertebral body: cancellous centre, cortical rim; spinal canal behind it.
  const vy = cy + ay - 0.26;
  canvas.forEachInEllipse(cx, vy, 0.095, 0.085, (i, _x, _y, q) => {
    hu[i] = q > 0.7 ? 700 : 250;
    lungMask[i] = 0;
  });
  paintSolid(canvas, lungMask, cx, vy + 0.13, 0.035, 0.035, 20);
  paintSolid(canvas, lungMask, cx, cy - ay + fat + 0.05, 0.06, 0.025, 400);
  // Ribs: small bony ellipses around the chest wall, skipping the sternum and the spine.
  const rx = ax - fat - 0.03;
  const ry = ay - fat - 0.03;
  for (let k = 0; k < 12; k++) {
    const angle = (k / 12) * 2 * PI + PI / 12 + rng.range(-0.05, 0.05);
    const sinA = sin(angle);
    if (abs(cos(angle)) < 0.3) continue; // sternum (top) and spine (bottom) sit there
    paintSolid(canvas, lungMask, cx + rx * cos(angle), cy + ry * sinA, 0.03, 0.02, 600 + rng.range(-100, 100));
  }
}

function drawVessels(canvas: HuCanvas, lungMask: Uint8Array, rng: Rng, lungs: [number, number][], ax: number, ay: number): void {
  const count = rng.int(12, 28);
  const hu = canvas.hu;
  for (let k = 0; k < count; k++) {
    const [x, y] = pointInLungs(rng, lungs, ax, ay, false);
    const r = rng.range(0.006, 0.016);
    const density = rng.range(-40, 40);
    canvas.forEachNear(x, y, r, (i) => {
      if (lungMask[i]) hu[i] = density;
    });
  }
}

/** The curved patient table under the body (scanner hardware, not patient). */
function drawTable(canvas: HuCanvas, bodyBottom: number): void {
  const top = bodyBottom + 0.05;
  const hu = canvas.hu;
  const firstRow = Math.max(0, Math.floor(((top + 1) * canvas.size) / 2));
  for (let py = firstRow; py < canvas.size; py++) {
    const y = canvas.coord(py);
    if (y > top + 0.1) break; // the curve rises at most 0.08 * 0.9^2 above `top`, plus its thickness
    for (let px = 0; px < canvas.size; px++) {
      const x = canvas.coord(px);
      const curve = top + 0.08 * x * x;
      if (abs(x) < 0.9 && y >= curve && y < curve + 0.025) hu[py * canvas.size + px] = 150;
    }
  }
}

/** Metal streaks: a small very dense object with alternating bright/dark rays decaying with distance. */
function drawStreaks(canvas: HuCanvas, rng: Rng, cx: number, cy: number, ay: number): void {
  const mx = cx + rng.range(-0.3, 0.3);
  const my = cy + rng.range(-ay * 0.6, ay * 0.6);
  const rays = rng.int(6, 14);
  const amplitude = rng.range(150, 350);
  const phase = rng.range(0, PI);
  const hu = canvas.hu;
  for (let py = 0; py < canvas.size; py++) {
    const dy = canvas.coord(py) - my;
    for (let px = 0; px < canvas.size; px++) {
      const dx = canvas.coord(px) - mx;
      const d = sqrt(dx * dx + dy * dy);
      const i = py * canvas.size + px;
      if (d < 0.02) hu[i] = 2500;
      else if (hu[i] > -950) hu[i] += amplitude * cos(rays * atan2(dy, dx) + phase) * exp(-d / 0.35);
    }
  }
}

/** Ring artefact (a miscalibrated detector element): a thin concentric ring around the isocentre. */
function drawRing(canvas: HuCanvas, rng: Rng): void {
  const radius = rng.range(0.1, 0.7);
  const amplitude = rng.pick([-1, 1]) * rng.range(40, 90);
  const width = 1.5 / (canvas.size / 2);
  const hu = canvas.hu;
  for (let py = 0; py < canvas.size; py++) {
    const y = canvas.coord(py);
    for (let px = 0; px < canvas.size; px++) {
      const x = canvas.coord(px);
      const off = abs(sqrt(x * x + y * y) - radius);
      if (off < width) hu[py * canvas.size + px] += amplitude * (1 - off / width);
    }
  }
}

function countMask(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}
