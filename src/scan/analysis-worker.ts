// Entry of an analysis worker thread (see pool.ts): runs registered analyzers on a batch of
// files packed into one buffer, and posts back one result (or error) per file.
import { parentPort } from "node:worker_threads";
import type { BatchReply, BatchRequest } from "./pool.js";
import { workerAnalyzers } from "./worker-analyzers.js";

parentPort?.on("message", (m: BatchRequest) => {
  void (async () => {
    const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    const results: BatchReply["results"] = [];
    for (const f of m.files) {
      const a = workerAnalyzers.get(f.analyzer);
      try {
        if (!a) throw new Error(`unknown analyzer ${f.analyzer}`);
        const content = data.subarray(f.offset, f.offset + f.length);
        results.push({ result: (await a.analyze({ path: f.path, mode: f.mode, size: f.length, content })) ?? null });
      } catch (e) {
        results.push({ error: (e as Error)?.message ?? String(e) });
      }
    }
    const reply: BatchReply = { id: m.id, results };
    parentPort!.postMessage(reply);
  })();
});
