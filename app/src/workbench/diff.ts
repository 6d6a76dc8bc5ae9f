/**
 * Which characters differ between two values: a longest-common-subsequence diff over characters
 * (Unicode code points of the NFC form, so "Â" is one character), as runs of equal and differing
 * text on each side, and the differing pairs for a sentence ("A" became "Â").
 */

export interface Run {
  text: string;
  /** Differs from the other side. */
  diff: boolean;
}

export interface Change {
  /** On the first side (empty: added on the second). */
  a: string;
  /** On the second side (empty: missing there). */
  b: string;
}

export interface Diff {
  a: Run[];
  b: Run[];
  changes: Change[];
  /** Differing characters, both sides counted once per change position. */
  count: number;
}

function runsOf(chars: string[], same: boolean[]): Run[] {
  const out: Run[] = [];
  chars.forEach((c, i) => {
    const diff = !same[i];
    const last = out[out.length - 1];
    if (last && last.diff === diff) last.text += c;
    else out.push({ text: c, diff });
  });
  return out;
}

/** The character diff of `x` and `y` (compared as they are: normalise them first). */
export function charDiff(x: string, y: string): Diff {
  const a = Array.from(x.normalize('NFC'));
  const b = Array.from(y.normalize('NFC'));
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const sameA = new Array<boolean>(n).fill(false);
  const sameB = new Array<boolean>(m).fill(false);
  const changes: Change[] = [];
  let pending: Change = { a: '', b: '' };
  const flush = () => {
    if (pending.a || pending.b) changes.push(pending);
    pending = { a: '', b: '' };
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      sameA[i++] = true;
      sameB[j++] = true;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      pending.b += b[j++];
    } else {
      pending.a += a[i++];
    }
  }
  flush();
  const count = changes.reduce((s, c) => s + Math.max(Array.from(c.a).length, Array.from(c.b).length), 0);
  return { a: runsOf(a, sameA), b: runsOf(b, sameB), changes, count };
}
