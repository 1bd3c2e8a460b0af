import type { Report } from "../model/index.js";

export interface WriteOptions {
  /** Use ANSI colours (table only; machine formats never colour). */
  color?: boolean;
  /**
   * Time to stamp into the output. Without it, writers add no wall-clock data so the same
   * report always gives the same bytes (SPDX, which requires a date, falls back to
   * SOURCE_DATE_EPOCH or the image's creation time; see spdx/created.ts).
   */
  timestamp?: Date;
  /**
   * The report comes from a vulnerability scan (table only): findings are shown instead of the
   * package list, and an empty result says "No vulnerabilities found.".
   */
  vulnerabilities?: boolean;
}

export interface ReportWriter {
  /** Name used on the command line, e.g. `cyclonedx-json`. */
  format: string;
  write(report: Report, options?: WriteOptions): string;
  /**
   * The same text as `write`, in pieces, for reports of tens of MB: the caller can write each
   * piece while the next is built. Optional; writers without it are written whole.
   */
  writeChunks?(report: Report, options?: WriteOptions): Iterable<string>;
}
