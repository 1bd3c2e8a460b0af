// Child process for the benchmark: one run through the library, timed, with its peak RSS.
//   measure.js TARGET CACHE_DIR cold|warm|nocache        sbom (inventory + CycloneDX)
//   measure.js TARGET CACHE_DIR vuln DB                  inventory, then vulnerability matching timed apart
//   measure.js TARGET CACHE_DIR without ID,ID            cold inventory without those analyzers
//   measure.js TARGET CACHE_DIR secret                   cold inventory plus secret scanning
//   measure.js TARGET CACHE_DIR json FILE                cold inventory, its JSON report written to FILE
import { addVulnerabilities, analyzers, getWriter, inventory } from "../src/index.js";

const [target, cacheDir, mode, arg] = process.argv.slice(2) as [string, string, string, string | undefined];
const db = mode === "vuln" ? arg : undefined;
const skip = new Set(mode === "without" ? (arg ?? "").split(",").filter(Boolean) : []);
// Module loading stays outside the timer, as it always was: the CycloneDX library is loaded on
// first use since it is not needed by most commands, so load it now by writing an empty SBOM.
getWriter("cyclonedx-json").write({
  schemaVersion: 1,
  tool: { name: "bulwark", version: "0" },
  artifact: { target: "warm-up", type: "dir", os: null, layers: [] },
  packages: [],
  vulnerabilities: [],
  secrets: [],
  misconfigurations: [],
  errors: [],
});
const t0 = performance.now();
const report = await inventory(target, {
  cacheDir,
  // vuln: matching is compared with a cold scan, not with a warm cache's 20 ms.
  noCache: mode === "nocache" || mode === "without" || mode === "secret" || mode === "json" || mode === "vuln",
  analyzers: analyzers.filter((a) => !skip.has(a.id)),
  ...(mode === "secret" ? { scanners: ["package", "secret"] } : {}),
});
const inventoryMs = performance.now() - t0;
let matchMs = 0;
if (mode === "vuln") {
  const t1 = performance.now();
  await addVulnerabilities(report, { db: db!, offline: true, ignoreFile: false }, new Date());
  matchMs = performance.now() - t1;
}
const text = getWriter("cyclonedx-json").write(report);
if (mode === "json") (await import("node:fs")).writeFileSync(arg!, getWriter("json").write(report));
const ms = performance.now() - t0;
process.stdout.write(
  JSON.stringify({ ms, inventoryMs, matchMs, maxRssMB: process.resourceUsage().maxRSS / 1024, packages: report.packages.length, vulnerabilities: report.vulnerabilities.length, bytes: text.length }) + "\n",
);
