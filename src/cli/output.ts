// Writes a report to stdout or to a file, atomically: a failed run never leaves half a file.
import { randomBytes } from "node:crypto";
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import { UserError } from "../index.js";

export function writeOutput(text: string, file: string | undefined): void {
  if (!file || file === "-") {
    process.stdout.write(text);
    if (!text.endsWith("\n")) process.stdout.write("\n");
    return;
  }
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    // Two writes rather than `text + "\n"`: reports can be tens of MB, and the copy is not free.
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, text);
      if (!text.endsWith("\n")) writeSync(fd, "\n");
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw new UserError("INPUT", `${file}: cannot write output (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
