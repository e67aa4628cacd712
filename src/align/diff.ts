// Word-level diff (Myers 1986, O((N+M)D)) over token hashes, bounded by a maximum edit distance.
// Returns the matched token pairs, from which edits and trimmed passage bounds are derived.

let traceBuf = new Int32Array(1 << 16);
let vBuf = new Int32Array(1 << 12);

export interface DiffResult {
  /** Edit distance (inserted + deleted words). */
  d: number;
  /** Matched token indices (absolute), increasing, same length. */
  ma: Int32Array;
  mb: Int32Array;
}

/**
 * Diff a[aFrom, aTo) against b[bFrom, bTo). Returns null when more than `maxD` words would have
 * to be inserted or deleted.
 */
export function diffTokens(
  a: Uint32Array,
  aFrom: number,
  aTo: number,
  b: Uint32Array,
  bFrom: number,
  bTo: number,
  maxD: number,
): DiffResult | null {
  // Common prefix and suffix are matches for free.
  let pre = 0;
  while (aFrom + pre < aTo && bFrom + pre < bTo && a[aFrom + pre] === b[bFrom + pre]) pre++;
  let suf = 0;
  while (
    aTo - suf > aFrom + pre &&
    bTo - suf > bFrom + pre &&
    a[aTo - 1 - suf] === b[bTo - 1 - suf]
  )
    suf++;
  const a0 = aFrom + pre;
  const b0 = bFrom + pre;
  const n = aTo - suf - a0;
  const m = bTo - suf - b0;
  const max = Math.min(maxD, n + m);
  const off = max + 1;
  const vSize = 2 * max + 3;
  if (vBuf.length < vSize) vBuf = new Int32Array(vSize * 2);
  const V = vBuf;
  V.fill(0, 0, vSize);
  V[off + 1] = 0;
  let found = -1;
  // trace: snapshot of V[-d..d] before step d, stored at traceBuf[d*d ...]
  for (let d = 0; d <= max; d++) {
    const need = (d + 1) * (d + 1);
    if (traceBuf.length < need) {
      const t2 = new Int32Array(Math.max(need, traceBuf.length * 2));
      t2.set(traceBuf);
      traceBuf = t2;
    }
    const base = d * d;
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && V[off + k - 1] < V[off + k + 1])) x = V[off + k + 1];
      else x = V[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
      }
      V[off + k] = x;
      traceBuf[base + (k + d)] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) return null;
  // Backtrack.
  const total = pre + suf + (n + m - found) / 2;
  const ma = new Int32Array(total);
  const mb = new Int32Array(total);
  let w = total - 1;
  for (let s = 0; s < suf; s++, w--) {
    ma[w] = aTo - 1 - s;
    mb[w] = bTo - 1 - s;
  }
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const k = x - y;
    const base = (d - 1) * (d - 1);
    const get = (kk: number) => traceBuf[base + (kk + d - 1)];
    let prevK: number;
    if (k === -d || (k !== d && get(k - 1) < get(k + 1))) prevK = k + 1;
    else prevK = k - 1;
    const prevX = get(prevK);
    const prevY = prevX - prevK;
    const startX = prevK === k + 1 ? prevX : prevX + 1; // after the non-diagonal step
    const startY = startX - k;
    while (x > startX && y > startY) {
      x--;
      y--;
      ma[w] = a0 + x;
      mb[w] = b0 + y;
      w--;
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    ma[w] = a0 + x;
    mb[w] = b0 + y;
    w--;
  }
  for (let s = pre - 1; s >= 0; s--, w--) {
    ma[w] = aFrom + s;
    mb[w] = bFrom + s;
  }
  return { d: found, ma, mb };
}
