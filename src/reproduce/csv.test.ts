import { expect, it } from 'vitest';
import { toCsv } from './csv.js';

it('writes the union of columns, quotes what needs it and leaves nulls empty', () => {
  const csv = toCsv([
    { kind: 'mean', m: 64, value: 1.5 },
    { kind: 'a, "b"', m: 128, lo: null },
  ]);
  expect(csv).toBe('kind,m,value,lo\nmean,64,1.5,\n"a, ""b""",128,,\n');
});
