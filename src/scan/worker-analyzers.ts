// The analyzers a worker thread knows, by id: the registry's and the secret scanner. A custom
// analyzer passed to scan() (tests, library users) is not among them and runs inline.
import { analyzers } from "../analyzers/registry.js";
import type { Analyzer } from "../analyzers/types.js";
import { secretAnalyzer } from "./secret-analyzer.js";

export const workerAnalyzers = new Map<string, Analyzer>([...analyzers, secretAnalyzer].map((a) => [a.id, a]));

/** True when `a` is the registered analyzer of its id, so a worker can run it. */
export function runsInWorker(a: Analyzer): boolean {
  return workerAnalyzers.get(a.id) === a;
}
