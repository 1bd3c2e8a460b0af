// `bulwark scan dir:PATH --scanners misconfig`: the tree's Dockerfiles, manifests and Compose
// files are checked, and the scan's ignore file applies to those findings like to any other.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";

const project = new URL("./testdata/config-project/", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-dir-scan-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("dir: targets with the misconfig scanner", () => {
  it("checks the tree's files and honours the ignore file given to the scan", async () => {
    const all = await scan(`dir:${project}`, { scanners: ["package", "misconfig"], vuln: { ignoreFile: false } });
    const ids = new Set(all.misconfigurations.map((m) => m.ruleId));
    expect([...ids].some((id) => id.startsWith("BW-DS-"))).toBe(true);
    expect([...ids].some((id) => id.startsWith("BW-K8S-"))).toBe(true);
    const dropped = all.misconfigurations.find((m) => m.ruleId.startsWith("BW-DS-"))!.ruleId;
    const ignore = join(work, "ignore.yaml");
    writeFileSync(ignore, `- id: ${dropped}\n  reason: accepted for this test\n`);
    const some = await scan(`dir:${project}`, { scanners: ["package", "misconfig"], vuln: { ignoreFile: ignore } });
    expect(some.misconfigurations.some((m) => m.ruleId === dropped)).toBe(false);
    expect(some.misconfigurations.length).toBe(all.misconfigurations.filter((m) => m.ruleId !== dropped).length);
  });

  it("passes the Pod Security Standards version to the Kubernetes rules, and refuses one it does not know", async () => {
    const pinned = await scan(`dir:${project}`, { scanners: ["package", "misconfig"], vuln: { ignoreFile: false }, pssVersion: "v1.25" });
    const pss = pinned.misconfigurations.filter((m) => m.references.pss);
    expect(pss.length).toBeGreaterThan(0);
    for (const m of pss) expect(m.references.pss!.version).toBe("v1.25");
    await expect(scan(`dir:${project}`, { scanners: ["package", "misconfig"], pssVersion: "v9" })).rejects.toThrow(/--pss-version must be "latest" or a version v1.0 to v1.36/);
  });
});
