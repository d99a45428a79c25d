/** K's check on made-up agreement counts: it passes at or above 99 % and fails below or with no races. */
import { describe, expect, it } from 'vitest';
import { checkRaceAgreement } from './k-race.js';

describe('K: simulation vs training check', () => {
  it('passes when nearly every race agrees', () => {
    expect(checkRaceAgreement(1020, 1024).pass).toBe(true);
    expect(checkRaceAgreement(99, 100).pass).toBe(true);
  });
  it('fails when the two disagree too often, or there are no races', () => {
    const c = checkRaceAgreement(900, 1024);
    expect(c.pass).toBe(false);
    expect(c.measured).toContain('900 of 1024');
    expect(checkRaceAgreement(0, 0).pass).toBe(false);
  });
});
