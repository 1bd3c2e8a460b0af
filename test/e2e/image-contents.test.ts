// Image-contents checks and the attack-surface report on layers built from this machine's own
// files: real modes (setuid bits as dpkg set them), real symlink chains (alternatives, merged
// /usr) and the real dpkg database, cross-checked against stat(2) and dpkg-query.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getWriter, scan } from "../../src/index.js";
import { sarifErrors } from "../../src/report/sarif/test-support/sarif-schema.js";
import { buildImage, writeOciLayout, type EntrySpec } from "../support/image-builder.js";
import { missingOnHost, missingTool } from "../support/tools.js";

const work = mkdtempSync(join(tmpdir(), "bw-contents-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const EXPECTED_TOOLS: Record<string, string> = {
  sh: "shell", dash: "shell", bash: "shell", curl: "network", wget: "network", ssh: "network", scp: "network",
  cc: "compiler", gcc: "compiler", make: "compiler", gdb: "debugger", strace: "debugger", "apt-get": "package-manager", dpkg: "package-manager",
};
const NOT_TOOLS = ["ls", "su", "passwd", "chsh", "mount", "git"];

/** A host path as layer entries: the file, or every link of its chain and the file at the end. */
function hostEntries(path: string, out: Map<string, EntrySpec>): void {
  let p = path;
  for (let hop = 0; hop < 10 && !out.has(p); hop++) {
    const st = lstatSync("/" + p);
    if (st.isSymbolicLink()) {
      const link = readlinkSync("/" + p);
      out.set(p, { path: p, type: "symlink", linkname: link });
      p = posix.normalize(link.startsWith("/") ? link : posix.join(posix.dirname("/" + p), link)).slice(1);
      // Merged /usr: /bin/x is stored as usr/bin/x.
      p = p.replace(/^(s?bin|lib)\//, "usr/$1/");
    } else {
      out.set(p, { path: p, content: readFileSync("/" + p), mode: st.mode & 0o7777 });
      return;
    }
  }
}

/** dpkg's own answer for who owns a file, trying the merged-/usr twin as dpkg lists /bin paths. */
function dpkgOwner(abs: string): string | undefined {
  for (const p of [abs, abs.replace(/^\/usr\/(s?bin)\//, "/$1/")]) {
    try {
      return execFileSync("dpkg-query", ["-S", p], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split(":")[0]!.trim();
    } catch {
      // not this form
    }
  }
  return undefined;
}

const WHAT = "image contents from this machine's files";
const skipReason =
  missingTool(WHAT, ["dpkg-query", "/var/lib/dpkg/status"]) ??
  missingOnHost(WHAT, lstatSync("/bin", { throwIfNoEntry: false })?.isSymbolicLink() === true, "this machine's /usr is not merged (/bin is not a link to usr/bin)");

describe.skipIf(skipReason !== undefined)(WHAT, () => {
  it("reports setuid files, tools, sizes and owning packages as stat(2) and dpkg-query see them", async () => {
    const names = [...Object.keys(EXPECTED_TOOLS), ...NOT_TOOLS].filter((n) => existsSync(`/usr/bin/${n}`));
    const entries = new Map<string, EntrySpec>();
    for (const n of names) hostEntries(`usr/bin/${n}`, entries);
    const owners = new Set<string>();
    for (const n of names) {
      const o = dpkgOwner(realpathSync(`/usr/bin/${n}`));
      if (o) owners.add(o);
    }
    const dpkg: EntrySpec[] = [{ path: "var/lib/dpkg/status", content: readFileSync("/var/lib/dpkg/status") }];
    for (const o of owners) {
      for (const f of [`${o}.list`, `${o}:amd64.list`]) if (existsSync(`/var/lib/dpkg/info/${f}`)) dpkg.push({ path: `var/lib/dpkg/info/${f}`, content: readFileSync(`/var/lib/dpkg/info/${f}`) });
    }
    const img = await buildImage({
      config: { ExposedPorts: { "8080/tcp": {} }, Cmd: ["/app/server"] },
      layers: [
        { createdBy: "debootstrap", entries: [{ path: "bin", type: "symlink", linkname: "usr/bin" }, ...dpkg] },
        { createdBy: "RUN apt-get install …", entries: [...entries.values()] },
      ],
    });
    const dir = join(work, "host");
    writeOciLayout(dir, [img]);
    const r = await scan(dir, { noCache: true, scanners: ["package", "misconfig"] });
    const surface = r.attackSurface!;
    expect(surface.service).toBe(true);
    expect(surface.reason).toBe("exposes 8080/tcp");

    // Tools: each present command is found, in its category; the others are not tools.
    const byPath = new Map(surface.tools.map((t) => [t.path, t]));
    for (const n of names) {
      const t = byPath.get(`/usr/bin/${n}`);
      if (EXPECTED_TOOLS[n]) {
        expect(t, n).toBeDefined();
        expect(t!.category).toBe(EXPECTED_TOOLS[n]);
        const real = realpathSync(`/usr/bin/${n}`);
        expect(t!.size).toBe(statSync(real).size);
        if (t!.resolved) expect(t!.resolved).toBe(real);
        expect(t!.layer?.diffId).toBe(img.layers[1]!.diffId);
        // The owning package is dpkg's own answer.
        const owner = dpkgOwner(real);
        if (owner) expect(t!.package).toMatch(new RegExp(`^pkg:deb/debian/${owner.replace(/[+.]/g, "\\$&")}@`));
      } else expect(t, n).toBeUndefined();
    }
    // The ownership checks above ran at least once: dpkg-query owns the shells on any Debian.
    expect(surface.tools.filter((t) => t.package).length).toBeGreaterThan(0);
    const distinct = new Set(surface.tools.map((t) => realpathSync(t.path)));
    expect(surface.totalSize).toBe([...distinct].reduce((a, p) => a + statSync(p).size, 0));
    expect(surface.severity).toBe(surface.tools.some((t) => ["network", "compiler", "debugger"].includes(t.category)) ? "HIGH" : "MEDIUM");

    // Setuid/setgid: exactly the included files stat(2) shows with those bits.
    const special = [...entries.values()].filter((e) => e.type === undefined && (e.mode! & 0o6000)).map((e) => "/" + e.path).sort();
    const found = r.misconfigurations.filter((m) => m.ruleId === "BW-IMG-010");
    expect(found.map((m) => m.path).sort()).toEqual(special);
    for (const m of found) {
      const owned = dpkgOwner(m.path) !== undefined;
      expect(m.severity, m.path).toBe(owned ? "LOW" : "MEDIUM");
    }
    // The table shows the same report for people.
    const table = execFileSync(process.execPath, [join(dirname(new URL(import.meta.url).pathname), "../../dist/src/cli/main.js"), "scan", dir, "--scanners", "misconfig", "--no-cache", "-q"], { encoding: "utf8" });
    expect(table).toMatch(/Attack surface: \d+ tools an attacker could use/);
    expect(table).toContain("/usr/bin/curl");
    if (process.env.SHOW) console.log(table);
  });
});

describe("image contents through the layer pipeline", () => {
  it("deleted credentials, late cache clean-up and chmod fixes, the same from the layer cache", async () => {
    const img = await buildImage({
      config: { Cmd: ["bash"] },
      layers: [
        {
          createdBy: "RUN apt-get update && apt-get install -y curl",
          entries: [
            { path: "usr/bin/curl", content: Buffer.alloc(3000), mode: 0o755 },
            { path: "usr/bin/helper", content: "x", mode: 0o4755 },
            { path: "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", content: Buffer.alloc(5000) },
            { path: "root/.aws/credentials", content: "[default]\n" },
            { path: "srv/uploads/", type: "dir", mode: 0o777 },
          ],
        },
        {
          createdBy: "RUN rm -rf /var/lib/apt/lists/* /root/.aws && chmod u-s /usr/bin/helper",
          entries: [
            { path: "var/lib/apt/lists/.wh.deb.debian.org_debian_dists_bookworm_InRelease" },
            { path: "root/.wh..aws" },
            { path: "usr/bin/helper", content: "x", mode: 0o755 },
          ],
        },
      ],
    });
    const dir = join(work, "pipeline");
    writeOciLayout(dir, [img]);
    const cacheDir = join(work, "cache");
    const cold = await scan(dir, { cacheDir, scanners: ["package", "misconfig"] });
    const warm = await scan(dir, { cacheDir, scanners: ["package", "misconfig"] });
    expect(warm.misconfigurations).toEqual(cold.misconfigurations);
    expect(warm.attackSurface).toEqual(cold.attackSurface);
    const ids = (rule: string) => cold.misconfigurations.filter((m) => m.ruleId === rule);
    expect(ids("BW-IMG-010")).toEqual([]);
    expect(ids("BW-IMG-011").map((m) => m.path)).toEqual(["/srv/uploads"]);
    const cred = ids("BW-IMG-015");
    expect(cred.map((m) => [m.path, m.layer?.diffId])).toEqual([["/root/.aws/credentials", img.layers[0]!.diffId]]);
    expect(cred[0]!.message).toContain("a later layer deletes it");
    const cache = ids("BW-IMG-017");
    expect(cache).toHaveLength(1);
    expect(cache[0]!.message).toContain("removed by a later layer, but layer 1 (RUN apt-get update && apt-get install -y curl) still ships it");
    expect(cold.attackSurface).toMatchObject({ service: false, severity: "LOW", tools: [{ name: "curl", size: 3000 }] });
    expect(ids("BW-IMG-024")[0]!.severity).toBe("LOW");
    // Every writer carries them: JSON keeps the attack surface, SARIF stays schema-valid.
    const json = JSON.parse(await getWriter("json").write(cold)) as typeof cold;
    expect(json.attackSurface).toEqual(cold.attackSurface);
    const sarif = JSON.parse(await getWriter("sarif").write(cold)) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0]!.results.map((x) => x.ruleId)).toEqual(expect.arrayContaining(["BW-IMG-011", "BW-IMG-015", "BW-IMG-017", "BW-IMG-024"]));
    // Without the misconfig scanner there is no attack surface and no contents findings.
    const plain = await scan(dir, { cacheDir, scanners: ["package"] });
    expect(plain.attackSurface).toBeUndefined();
    expect(plain.misconfigurations).toEqual([]);
  });
});
