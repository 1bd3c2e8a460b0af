/**
 * Code-unit order. Unlike localeCompare it gives the same answer on every machine, which is
 * what byte-identical output needs.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted copy of a string list. */
export function sortedText(values: readonly string[]): string[] {
  return [...values].sort(compareText);
}

/** Sorted copy without repeats. */
export function uniqueText(values: readonly string[]): string[] {
  return sortedText([...new Set(values)]);
}
