// Entry of an analysis worker thread (see pool.ts): runs registered analyzers on a batch of
// files packed into one buffer, and posts back one result (or error) per file.
import { parentPort } from "node:worker_threads";
import { META_INTS, type BatchReply, type BatchRequest } from "./pool.js";
import { workerAnalyzers } from "./worker-analyzers.js";

parentPort?.on("message", (m: BatchRequest) => {
  void (async () => {
    const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    const reply: BatchReply = { id: m.id, results: [], errors: [] };
    let pathAt = 0;
    for (let i = 0, k = 0; k < m.meta.length; i++, k += META_INTS) {
      const mode = m.meta[k + 1]!;
      const offset = m.meta[k + 2]!;
      const length = m.meta[k + 3]!;
      const path = m.paths.slice(pathAt, (pathAt += m.meta[k + 4]!));
      const id = m.analyzers[m.meta[k]!]!;
      const a = workerAnalyzers.get(id);
      try {
        if (!a) throw new Error(`unknown analyzer ${id}`);
        const result = await a.analyze({ path, mode, size: length, content: data.subarray(offset, offset + length) });
        if (result) reply.results.push([i, result]);
      } catch (e) {
        reply.errors.push([i, (e as Error)?.message ?? String(e)]);
      }
    }
    parentPort!.postMessage(reply);
  })();
});
