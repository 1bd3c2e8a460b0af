// Child process for the benchmark: one run through the library, timed, with its peak RSS.
//   measure.js TARGET CACHE_DIR cold|warm|nocache        sbom (inventory + CycloneDX)
//   measure.js TARGET CACHE_DIR vuln DB                  inventory, then vulnerability matching timed apart
import { addVulnerabilities, getWriter, inventory } from "../src/index.js";

const [target, cacheDir, mode, db] = process.argv.slice(2) as [string, string, string, string | undefined];
const t0 = performance.now();
const report = await inventory(target, { cacheDir, noCache: mode === "nocache" });
const inventoryMs = performance.now() - t0;
let matchMs = 0;
if (mode === "vuln") {
  const t1 = performance.now();
  await addVulnerabilities(report, { db: db!, offline: true, ignoreFile: false }, new Date());
  matchMs = performance.now() - t1;
}
const text = getWriter("cyclonedx-json").write(report);
const ms = performance.now() - t0;
process.stdout.write(
  JSON.stringify({ ms, inventoryMs, matchMs, maxRssMB: process.resourceUsage().maxRSS / 1024, packages: report.packages.length, vulnerabilities: report.vulnerabilities.length, bytes: text.length }) + "\n",
);
