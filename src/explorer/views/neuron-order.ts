/**
 * Column order of the heatmap, so shared neurons are easy to spot: polysemantic neurons
 * first, then neurons that are currently the strongest neuron of several features (a race
 * still undecided, e.g. a collision at init), then neurons serving one feature in feature
 * order (a staircase diagonal), then the unused ones. Built from the analysis, not from
 * the weights: the view only arranges what analysis/neurons.ts decided.
 */
import type { InstanceAnalysis } from '../../analysis/neurons.js';
import type { NeuronOrder } from '../state.js';

export type NeuronGroup = 'polysemantic' | 'contested' | 'single' | 'unused';
export const GROUP_RANK: Record<NeuronGroup, number> = { polysemantic: 0, contested: 1, single: 2, unused: 3 };

export interface NeuronLayout {
  /** column → neuron */
  order: number[];
  /** [m] group of each neuron */
  groups: NeuronGroup[];
  /** [m] features each neuron is the strongest neuron of (argmax_k |W_ik|), ascending */
  strongestOf: number[][];
}

export function layoutNeurons(a: InstanceAnalysis, order: NeuronOrder): NeuronLayout {
  const m = a.nHidden;
  const strongestOf: number[][] = Array.from({ length: m }, () => []);
  for (const f of a.fates) strongestOf[f.finalNeuron].push(f.feature);
  const groups: NeuronGroup[] = [];
  const key: number[] = [];
  for (let k = 0; k < m; k++) {
    const band = a.neuronFeatures[k].map((e) => e.feature);
    const group: NeuronGroup = band.length >= 2 ? 'polysemantic' : strongestOf[k].length >= 2 ? 'contested' : band.length + strongestOf[k].length > 0 ? 'single' : 'unused';
    groups.push(group);
    key.push(Math.min(...band, ...strongestOf[k], Number.MAX_SAFE_INTEGER));
  }
  const columns = Array.from({ length: m }, (_, k) => k);
  if (order === 'grouped') {
    columns.sort((x, y) => GROUP_RANK[groups[x]] - GROUP_RANK[groups[y]] || key[x] - key[y] || x - y);
  }
  return { order: columns, groups, strongestOf };
}
