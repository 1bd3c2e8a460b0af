// After tsc: bundle the CLI into one file (dist/bulwark.mjs, the `bulwark` bin). Loading some 300
// modules one by one was half a second of every command's start-up; the bundle loads in about a
// quarter second less. dist/src stays the library (package exports) and what tests import.
// Native and lazily required packages stay outside: better-sqlite3 (a native addon), and the
// CycloneDX library and CVSS calculator, which the code loads with createRequire on first use.
import { chmodSync, existsSync } from "node:fs";
import { build } from "esbuild";

const entry = new URL("../dist/src/cli/main.js", import.meta.url).pathname;
const out = new URL("../dist/bulwark.mjs", import.meta.url).pathname;
if (existsSync(entry)) {
  chmodSync(entry, 0o755);
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    external: ["better-sqlite3"],
    // CommonJS dependencies call require() for Node built-ins; an ES module has none.
    banner: { js: "import { createRequire as __bulwarkRequire } from 'node:module'; const require = __bulwarkRequire(import.meta.url);" },
    logLevel: "warning",
  });
  chmodSync(out, 0o755);
}
