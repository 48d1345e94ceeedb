/** Progress lines and Markdown tables for the benchmark (tables print as the README shows them). */

const startedAt = performance.now();

/** Seconds since the benchmark started. */
export function elapsedSeconds(): number {
  return (performance.now() - startedAt) / 1000;
}

/** One progress line, prefixed with the elapsed time and the section. */
export function progress(section: string, message: string): void {
  console.log(`[${elapsedSeconds().toFixed(1).padStart(6)} s] ${section.padEnd(6)} ${message}`);
}

/** Milliseconds `task` takes. */
export async function timeMs(task: () => unknown): Promise<number> {
  const start = performance.now();
  await task();
  return performance.now() - start;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `value` with thousands separators and `decimals` decimals. */
export function formatNumber(value: number | bigint, decimals = 0): string {
  return new Intl.NumberFormat("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
}

/** "0.42x" style ratio of `value` to `reference`. */
export function formatRatio(value: number, reference: number, decimals = 2): string {
  return `${formatNumber(value / reference, decimals)}x`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${formatNumber(bytes / 1e6, 1)} MB`;
  if (bytes >= 1e3) return `${formatNumber(bytes / 1e3, 1)} kB`;
  return `${bytes} B`;
}

/**
 * Prints a Markdown table padded as Prettier formats it, so it can be pasted into the README as it
 * is. Columns after the first are right-aligned (numbers).
 */
export function printTable(
  title: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const widths = header.map((cell, column) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join(" | ")} |`;
  const rule = `| ${widths.map((width, column) => (column === 0 ? "-".repeat(width) : `${"-".repeat(width - 1)}:`)).join(" | ")} |`;
  console.log(`\n${title}\n\n${[line(header), rule, ...rows.map(line)].join("\n")}\n`);
}
