// Tuning knobs read from the environment (documented where each is used).

/** A non-negative number from the environment variable `name`, or `fallback`. */
export function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  return v && Number(v) >= 0 ? Number(v) : fallback;
}
