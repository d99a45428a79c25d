import { describe, expect, it } from 'vitest';
import { duplicateNeurons, duplicationOutcomes, maxOutputChange, polysemanticNeurons } from './duplicate.js';

describe('duplicateNeurons', () => {
  // 2 instances, n = 2, m = 3: instance 0 has a benign pair on neuron 1, instance 1 none
  const W = Float32Array.from([0, 1, 0, 0, -1, 0, /* instance 1 */ 1, 0, 0, 0, 0, 1]);
  const shape = [2, 2, 3] as const;

  it('halves the column into two copies, pads instances with fewer duplications with zero columns', () => {
    const lists = [polysemanticNeurons(W, 2, 3, 0), polysemanticNeurons(W, 2, 3, 1)];
    expect(lists).toEqual([[1], []]);
    const d = duplicateNeurons(W, shape, lists, 0, 1);
    expect(d.shape).toEqual([2, 2, 4]);
    const h = Math.fround(Math.SQRT1_2);
    expect(Array.from(d.W0)).toEqual([0, h, 0, h, 0, -h, 0, -h, 1, 0, 0, 0, 0, 0, 1, 0]);
    expect(d.duplicated).toEqual([{ instance: 0, neuron: 1, copy: 3, features: [0, 1] }]);
    expect(maxOutputChange(W, shape, d.W0, d.shape)).toBeLessThan(1e-6);
  });

  it('noise changes the outputs and the copies', () => {
    const d = duplicateNeurons(W, shape, [[1], []], 0.1, 1);
    expect(d.W0[1]).not.toBe(d.W0[3]);
    expect(maxOutputChange(W, shape, d.W0, d.shape)).toBeGreaterThan(1e-4);
  });

  it('outcomes: split, shared, moved', () => {
    const dup = [{ instance: 0, neuron: 1, copy: 3, features: [0, 1] }];
    const s4 = [1, 2, 4] as const;
    expect(duplicationOutcomes(Float32Array.from([0, 1, 0, 0, 0, 0, 0, -1]), s4, dup)[0].fate).toBe('split');
    expect(duplicationOutcomes(Float32Array.from([0, 1, 0, 0, 0, -1, 0, 0]), s4, dup)[0].fate).toBe('shared');
    expect(duplicationOutcomes(Float32Array.from([1, 0, 0, 0, 0, -1, 0, 0]), s4, dup)[0].fate).toBe('moved');
  });
});
