// Writes a report to stdout or to a file, atomically: a failed run never leaves half a file.
import { randomBytes } from "node:crypto";
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import { UserError } from "../index.js";

export function writeOutput(text: string, file: string | undefined): void {
  if (!file || file === "-") {
    process.stdout.write(text.endsWith("\n") ? text : text + "\n");
    return;
  }
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, text.endsWith("\n") ? text : text + "\n");
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
