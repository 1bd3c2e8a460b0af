import { test } from "vitest";
import { writeFileSync } from "node:fs";
import { cyclonedxWriter } from "./cyclonedx/cyclonedx-writer.js";
import { debianReport } from "./test-support/sample-report.js";
test("probe", () => {
  const r = debianReport();
  const base = r.packages[0]!;
  for (const n of ["chrony", "curl", "dash", "hostname"]) r.packages.push({ ...base, name: n, purl: `pkg:deb/debian/${n}@1?arch=amd64` });
  console.log(Intl.DateTimeFormat().resolvedOptions().locale);
  writeFileSync(`/tmp/loc-${process.env.TAG}.json`, cyclonedxWriter.write(r));
});
