import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { raceSamples, sparsificationWinner, topTwo } from './race.js';

describe('race samples', () => {
  it('ratio of the two largest |W0| and whether the leader stays largest', () => {
    // instance 0: feature 0 leads with −0.5 (index 1) over 0.25, and still leads; feature 1's leader (index 2) loses to index 0
    const W0 = Float32Array.from([0.1, -0.5, 0.25, /* f1 */ 0.3, 0.1, 0.4]);
    const W = Float32Array.from([0, -1, 0, /* f1 */ 1, 0, 0.2]);
    const s = raceSamples(W0, W, [1, 2, 3]);
    expect(s.map((x) => x.won)).toEqual([true, false]);
    expect(s[0].ratio).toBeCloseTo(0.5, 6);
    expect(s[1].ratio).toBeCloseTo(0.75, 6);
    expect(topTwo([3, -7, 5], 0, 3)).toMatchObject({ first: 1, second: 2 });
  });
});

describe('sparsificationWinner', () => {
  it('without interference the initially largest |weight| always survives (order is preserved)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 0.3, noNaN: true }), { minLength: 2, maxLength: 20 }), (ws) => {
        const lead = ws.indexOf(Math.max(...ws));
        const runnerUp = Math.max(...ws.filter((_, k) => k !== lead));
        if (ws[lead] - runnerUp < 1e-6 * ws[lead]) return; // near ties: rounding can merge the two, and then neither wins
        const signed = ws.map((w, k) => (k % 2 ? -w : w));
        expect(sparsificationWinner(signed, 0, ws.length, 0.01, 0.5)).toBe(lead);
      }),
      { numRuns: 60 },
    );
  });
  it('returns −1 when the step limit comes first', () => {
    expect(sparsificationWinner([0.2, 0.19, 0.18], 0, 3, 1e-6, 0.1, 5)).toBe(-1);
  });
});
