import { UserError } from "../errors.js";
import { cyclonedxWriter } from "./cyclonedx/cyclonedx-writer.js";
import { jsonWriter } from "./json/json-writer.js";
import { sarifWriter } from "./sarif/sarif-writer.js";
import { spdxWriter } from "./spdx/spdx-writer.js";
import { tableWriter } from "./table/table-writer.js";
import type { ReportWriter } from "./types.js";

// An explicit list rather than self-registration: adding a format is one visible line here.
const writers: ReadonlyMap<string, ReportWriter> = new Map(
  [jsonWriter, cyclonedxWriter, spdxWriter, tableWriter, sarifWriter].map((w) => [w.format, w]),
);

/** Format names in the order they are listed in help and errors. */
export function reportFormats(): string[] {
  return [...writers.keys()];
}

export function getWriter(format: string): ReportWriter {
  const writer = writers.get(format);
  if (!writer) {
    throw new UserError(
      "USAGE",
      `Unknown report format "${format}". Valid formats: ${reportFormats().join(", ")}`,
    );
  }
  return writer;
}
