// JSON manifests and lockfiles: parse, or a one-line error naming the file.
import type { AnalyzerFile } from "../types.js";

export type JsonResult = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJsonFile(file: AnalyzerFile): JsonResult {
  try {
    return { ok: true, value: JSON.parse(file.content.toString("utf8")) };
  } catch (e) {
    return { ok: false, error: `${file.path}: not JSON: ${(e as Error).message}` };
  }
}
