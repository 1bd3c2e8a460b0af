import { describe, expect, it } from "vitest";
import { analyzers } from "../analyzers/registry.js";
import { secretAnalyzer } from "./secret-analyzer.js";
import { runsInWorker, workerAnalyzers } from "./worker-analyzers.js";

describe("analyzers run by workers", () => {
  it("lists every analyzer that declares batch, and only those", () => {
    const batching = [...analyzers, secretAnalyzer].filter((a) => a.batch);
    expect(batching.length).toBeGreaterThan(0);
    for (const a of batching) expect(runsInWorker(a), a.id).toBe(true);
    for (const a of workerAnalyzers.values()) expect(a.batch, a.id).toBe(true);
  });
});
