// Child process for the benchmark: one `sbom` run through the library, timed, with its peak RSS.
import { scan, getWriter } from "../src/index.js";

const [target, cacheDir, mode] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
const report = await scan(target, { cacheDir, noCache: mode === "nocache" });
const text = getWriter("cyclonedx-json").write(report);
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, packages: report.packages.length, bytes: text.length }) + "\n");
