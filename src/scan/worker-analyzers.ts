// What an analysis worker thread can run: the analyzers that declare `batch` (pure CPU work on
// many small files). Only these are imported into the worker: loading every analyzer there cost
// about 30 MB of RSS per worker for code it never ran. An analyzer that declares `batch` and is
// not listed here simply runs inline (worker-analyzers.test.ts keeps the list complete).
import type { Analyzer } from "../analyzers/types.js";
import { secretAnalyzer } from "./secret-analyzer.js";

export const workerAnalyzers = new Map<string, Analyzer>([secretAnalyzer].map((a) => [a.id, a]));

/** True when `a` is the analyzer the workers run under its id. */
export function runsInWorker(a: Analyzer): boolean {
  return workerAnalyzers.get(a.id) === a;
}
