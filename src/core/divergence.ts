/**
 * Why a run diverged, in one phrase the user can act on. A loss that turns NaN/Inf is most
 * often a learning rate too large, but an init scale, an L1 coefficient or a hidden-noise
 * level far outside the model's range overflows just as surely, and blaming the learning
 * rate then sends the user the wrong way. Each suspect is scored by how far it sits above
 * the largest value that trains in practice (SCIENCE.md: unit-norm features, λ ≲ 0.1,
 * σ ≲ 1); the worst one is named, the learning rate when none is out of range.
 *
 * @example
 *   divergenceCause(parseConfig({ initScale: 1e30 }), 0, false);
 *   // "--init-scale 1e+30 (weights this large overflow at the start; the paper uses 1)"
 */
import type { TrainConfig } from './config.js';

type Cause = Pick<TrainConfig, 'lr' | 'initScale' | 'lambda' | 'regularization' | 'noise' | 'noiseStd'>;

/**
 * The likely cause of a divergence first seen at `step` (0: the starting weights' loss is
 * already not finite). `initFromFile`: the run started from --init weights.
 */
export function divergenceCause(c: Cause, step: number, initFromFile: boolean): string {
  if (step === 0) {
    return initFromFile
      ? 'the --init weights (their loss is not finite before the first update)'
      : `--init-scale ${c.initScale} (weights this large overflow at the start; the paper uses 1)`;
  }
  const suspects: Array<[score: number, text: string]> = [
    [c.lr / 0.1, `--lr ${c.lr} (try a smaller learning rate, e.g. --lr ${c.lr / 10})`],
    [initFromFile ? 0 : c.initScale / 10, `--init-scale ${c.initScale} (weights this large overflow; the paper uses 1)`],
    [c.regularization ? c.lambda / 1 : 0, `--lambda ${c.lambda} (an L1 force this strong overshoots; the paper uses 1e-3 to 1e-2)`],
    [c.noise !== 'none' ? c.noiseStd / 1 : 0, `--noise-std ${c.noiseStd} (noise this large swamps the activations; try a value <= 1)`],
  ];
  const [first, ...rest] = suspects;
  let worst = first;
  for (const s of rest) if (s[0] > worst[0] && s[0] > 1) worst = s;
  return worst[1];
}
