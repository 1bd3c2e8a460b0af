// Entry of an analysis worker thread (see pool.ts): runs one registered analyzer on one file,
// given in memory or as a local path, and posts back its JSON-serialisable result.
import { parentPort } from "node:worker_threads";
import type { PoolTask } from "./pool.js";
import { workerAnalyzers } from "./worker-analyzers.js";

parentPort?.on("message", (m: { id: number; task: Omit<PoolTask, "content"> & { content?: Uint8Array } }) => {
  const { id, task } = m;
  const a = workerAnalyzers.get(task.analyzer);
  const reply = (msg: { result?: unknown; error?: string }): void => parentPort!.postMessage({ id, ...msg });
  if (!a) {
    reply({ error: `unknown analyzer ${task.analyzer}` });
    return;
  }
  const content = task.content ? Buffer.from(task.content.buffer, task.content.byteOffset, task.content.byteLength) : Buffer.alloc(0);
  Promise.resolve()
    .then(() => a.analyze({ path: task.path, mode: task.mode, size: task.size, content, ...(task.localPath ? { localPath: task.localPath } : {}) }))
    .then(
      (result) => reply({ result: result ?? null }),
      (e: unknown) => reply({ error: (e as Error)?.message ?? String(e) }),
    );
});
