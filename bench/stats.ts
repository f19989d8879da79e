/**
 * Summaries of timing samples: count, median, p95, p99 and max (nearest-rank percentiles, so every
 * figure printed is one that was measured), and the number formats the report uses.
 */

export interface Summary {
  count: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
  };
}

/** Nearest rank on an ascending, non-empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** "12.3 / 20.1 / 25.0" in milliseconds (median / p95 / max), or "—" when nothing was measured. */
export function formatSummary(summary: Summary | undefined, digits = 1): string {
  if (!summary) return '—';
  return [summary.median, summary.p95, summary.max].map((v) => v.toFixed(digits)).join(' / ');
}

/** "12.3 / 30.1 / 45.0": median / p99 / max. */
export function formatTail(summary: Summary | undefined, digits = 1): string {
  if (!summary) return '—';
  return [summary.median, summary.p99, summary.max].map((v) => v.toFixed(digits)).join(' / ');
}

export function megabytes(kilobytes: number): string {
  return (kilobytes / 1024).toFixed(1);
}

export function signed(value: number, digits = 1): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

/** The middle value (the lower of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/** "median (lowest…highest)". */
export function spread(values: readonly number[], format: (v: number) => string): string {
  return `${format(median(values))} (${format(Math.min(...values))}…${format(Math.max(...values))})`;
}
