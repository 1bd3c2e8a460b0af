// After tsc: bundle the CLI into one file (dist/bulwark.mjs, the `bulwark` bin). Loading some 300
// modules one by one was half a second of every command's start-up; the bundle loads in about a
// quarter second less. dist/src stays the library (package exports) and what tests import.
// Native and lazily required packages stay outside: better-sqlite3 (a native addon), and the
// CycloneDX library and CVSS calculator, which the code loads with createRequire on first use.
import { chmodSync, existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const entry = new URL("../dist/src/cli/main.js", import.meta.url).pathname;
const out = new URL("../dist/bulwark.mjs", import.meta.url).pathname;
// The analysis worker is a second bundle beside the first: the scanner starts its workers from
// `./analysis-worker.js` next to its own module, which in the bundle is dist/bulwark.mjs.
const worker = new URL("../dist/src/scan/analysis-worker.js", import.meta.url).pathname;
const workerOut = new URL("../dist/analysis-worker.js", import.meta.url).pathname;
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // tuf-js (and its HTTP stack) is only loaded by `verify-blob --tuf-refresh`: left out of the bundle.
  external: ["better-sqlite3", "tuf-js", "@kubernetes/client-node"],
  // CommonJS dependencies call require() for Node built-ins; an ES module has none.
  banner: { js: "import { createRequire as __bulwarkRequire } from 'node:module'; const require = __bulwarkRequire(import.meta.url);" },
  logLevel: "warning",
};
if (existsSync(entry)) {
  chmodSync(entry, 0o755);
  // Code behind a dynamic import() (the server's stack: fastify, kysely, pg, pg-boss) goes to
  // chunks beside the bundle, loaded only by the commands that need it: bundled inline it was
  // 1.6 MB more to parse at every command's start-up.
  for (const f of readdirSync(dirname(out))) if (/^chunk-[A-Z0-9]+\.mjs$/.test(f)) rmSync(join(dirname(out), f));
  await build({ ...common, entryPoints: { bulwark: entry }, outdir: dirname(out), splitting: true, outExtension: { ".js": ".mjs" }, chunkNames: "chunk-[hash]" });
  chmodSync(out, 0o755);
}
if (existsSync(worker)) await build({ ...common, entryPoints: [worker], outfile: workerOut });
await import("./build-dashboard.mjs");
