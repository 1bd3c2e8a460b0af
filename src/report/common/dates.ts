/** `YYYY-MM-DDThh:mm:ssZ`: UTC, no fractional seconds (the form SPDX requires). */
export function formatUtcSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/** Parses an RFC 3339 date; image configs often carry nanoseconds, which Date truncates. */
export function parseDate(text: string | undefined): Date | undefined {
  // Only ISO-style input: other forms parse differently across engines and locales.
  if (!text || !/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
