/**
 * Every colour the explorer uses, in one place, so the legend and the views cannot drift
 * apart. Weights use a diverging blue–white–red scale (ColorBrewer RdBu) on √|w|: the
 * initial weights (|w| ≈ 1/√m) stay visible next to the trained ones (|w| ≈ 1).
 */

/** RdBu stops from −1 to +1 (ColorBrewer, 9 classes). */
const RDBU: Array<[number, number, number]> = [
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
];

/** Weight magnitude drawn at full colour; larger values saturate. */
export const WEIGHT_SATURATION = 1.2;

/** RGB of a weight: sign picks red (+) or blue (−), √(|w|/1.2) the intensity. */
export function weightRgb(w: number): [number, number, number] {
  const t = Math.sign(w) * Math.sqrt(Math.min(1, Math.abs(w) / WEIGHT_SATURATION)); // −1..1
  const x = ((t + 1) / 2) * (RDBU.length - 1);
  const i = Math.min(RDBU.length - 2, Math.floor(x));
  const f = x - i;
  const a = RDBU[i];
  const b = RDBU[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function weightCss(w: number): string {
  const [r, g, b] = weightRgb(w);
  return `rgb(${r | 0},${g | 0},${b | 0})`;
}

/** Saturated sign colours, for lines and bars whose length already shows the magnitude. */
export const POSITIVE = '#b2182b';
export const NEGATIVE = '#2166ac';
export const signColor = (s: number) => (s < 0 ? NEGATIVE : POSITIVE);

export const COLORS = {
  /** a polysemantic neuron (≥ 2 features with |W_ik| in the band) */
  polysemantic: '#e69500',
  /** a colliding pair of opposite initial signs: expected to stay shared */
  benign: '#1a9850',
  /** a colliding pair of the same initial sign: interference separates it */
  malign: '#9c27b0',
  loss: '#222222',
  benefit: '#1b9e77',
  interference: '#d95f02',
  regularization: '#7570b3',
  theory: '#777777',
  threshold: '#111111',
  initial: '#555555',
  band: 'rgba(230, 149, 0, 0.14)',
} as const;

/** Draws the weight colour bar (−1.2 … +1.2) into a canvas. */
export function drawColorBar(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  for (let x = 0; x < width; x++) {
    ctx.fillStyle = weightCss(((x + 0.5) / width) * 2 * WEIGHT_SATURATION - WEIGHT_SATURATION);
    ctx.fillRect(x, 0, 1, height);
  }
}
