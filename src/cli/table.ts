/** Plain-text tables for the terminal (analyze, runs): columns padded to their widest cell. */

/** `align`: one letter per column, l or r (default: first column left, the others right). */
export function table(header: string[], rows: string[][], align = 'l' + 'r'.repeat(header.length - 1)): string {
  const all = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...all.map((r) => [...r[j]].length)));
  const pad = (s: string, j: number) => {
    const fill = ' '.repeat(widths[j] - [...s].length);
    return align[j] === 'l' ? s + fill : fill + s;
  };
  return all.map((r) => r.map(pad).join('  ').trimEnd()).join('\n');
}
