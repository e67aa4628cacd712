/** A small seeded xorshift32 generator for tests: the same numbers on every run. */
export function rng(seed: number): () => number {
  return () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
}
