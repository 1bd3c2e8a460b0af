// The bundled sample image (examples/sample-image.tar) and its golden report.
// Regenerate both with: UPDATE_GOLDEN=1 npx vitest run test/e2e/sample.test.ts
// The sample is built from real Debian 12 dpkg stanzas and file lists of a bookworm machine.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { getWriter } from "../../src/report/index.js";
import { buildImage, writeDockerArchive } from "../support/image-builder.js";

const SAMPLE = new URL("../../examples/sample-image.tar", import.meta.url).pathname;
const GOLDEN = new URL("./golden/sample-image.json", import.meta.url).pathname;
const BASE = ["base-files", "bash", "coreutils", "dpkg", "gzip", "libc6", "libssl3", "openssl", "tar", "zlib1g", "libzstd1", "liblzma5", "libgcc-s1", "libstdc++6", "perl-base", "sed", "grep", "login", "passwd", "util-linux", "debianutils", "ncurses-base", "libpam0g", "libaudit1", "libselinux1"];
const APP = ["curl", "libcurl4", "ca-certificates", "libnghttp2-14", "libssh2-1", "git", "git-man", "libexpat1"];

function stanzas(names: string[]): { status: string; lists: { path: string; content: string }[] } {
  const all = readFileSync("/var/lib/dpkg/status", "utf8").split(/\n\n+/);
  const picked = all.filter((s) => names.includes(/^Package: (.+)$/m.exec(s)?.[1] ?? "") && /^Status: install ok installed$/m.test(s));
  const lists = picked.flatMap((s) => {
    const name = /^Package: (.+)$/m.exec(s)![1]!;
    const arch = /^Architecture: (.+)$/m.exec(s)![1]!;
    const out = [];
    for (const f of [`${name}:${arch}.list`, `${name}.list`]) {
      const p = `/var/lib/dpkg/info/${f}`;
      if (existsSync(p)) {
        out.push({ path: `var/lib/dpkg/info/${f}`, content: readFileSync(p, "utf8") });
        break;
      }
    }
    const copyright = `/usr/share/doc/${name}/copyright`;
    if (existsSync(copyright)) out.push({ path: copyright.slice(1), content: readFileSync(copyright, "utf8") });
    return out;
  });
  return { status: picked.join("\n\n") + "\n", lists };
}

async function regenerate(): Promise<void> {
  const base = stanzas(BASE);
  const full = stanzas([...BASE, ...APP]);
  const img = await buildImage({
    tags: ["bulwark/sample:1.0"],
    created: "2025-06-01T00:00:00Z",
    layers: [
      {
        createdBy: "/bin/sh -c #(nop) ADD file:bookworm-rootfs.tar.xz in / ",
        entries: [
          { path: "etc/os-release", type: "symlink", linkname: "../usr/lib/os-release" },
          { path: "usr/lib/os-release", content: readFileSync("/etc/os-release") },
          { path: "etc/debian_version", content: readFileSync("/etc/debian_version") },
          { path: "var/lib/dpkg/status", content: base.status },
          ...base.lists.map((l) => ({ path: l.path, content: l.content })),
        ],
      },
      {
        createdBy: "RUN /bin/sh -c apt-get update && apt-get install -y curl git # buildkit",
        entries: [
          { path: "var/lib/dpkg/status", content: full.status },
          ...full.lists.filter((l) => !base.lists.some((b) => b.path === l.path)).map((l) => ({ path: l.path, content: l.content })),
          { path: "var/lib/apt/lists/.wh..wh..opq" },
        ],
      },
      {
        createdBy: "RUN /bin/sh -c python3 -m venv /app/venv && /app/venv/bin/pip install jinja2==3.1.4 # buildkit",
        entries: ["jinja2-3.1.4", "MarkupSafe-2.1.5"].map((d) => ({
          path: `app/venv/lib/python3.11/site-packages/${d}.dist-info/METADATA`,
          content: readFileSync(new URL(`../../src/analyzers/lang/python/testdata/venv/app/venv/lib/python3.11/site-packages/${d}.dist-info/METADATA`, import.meta.url)),
        })),
      },
    ],
  }, "docker");
  await writeDockerArchive(SAMPLE, [img]);
}

describe("bundled sample image", () => {
  it("scans to the golden report", async () => {
    if (process.env.UPDATE_GOLDEN === "1" && existsSync("/var/lib/dpkg/status")) await regenerate();
    // A relative target keeps the golden file independent of where the repo is cloned.
    const report = await scan(relative(process.cwd(), SAMPLE), { noCache: true, now: new Date("2026-01-01") });
    const json = getWriter("json").write(report);
    // The tool version is scrubbed so a release does not churn the golden file.
    const scrubbed = json.replace(/"version": "\d+\.\d+\.\d+[^"]*"(?=\s*\},\s*"artifact")/, '"version": "X"');
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(GOLDEN, scrubbed);
    expect(scrubbed).toBe(readFileSync(GOLDEN, "utf8"));
    expect(report.artifact.os).toMatchObject({ family: "debian", version: "12", codename: "bookworm" });
    expect(report.packages.length).toBeGreaterThanOrEqual(30);
    const debs = report.packages.filter((p) => p.type === "deb");
    expect(debs.length).toBeGreaterThanOrEqual(30);
    expect(debs.every((p) => p.purl.startsWith("pkg:deb/debian/") && p.purl.includes("distro=debian-12"))).toBe(true);
    expect(report.packages.filter((p) => p.type === "pypi").map((p) => p.purl)).toEqual(["pkg:pypi/jinja2@3.1.4", "pkg:pypi/markupsafe@2.1.5"]);
    expect(report.packages.find((p) => p.name === "curl")?.locations[0]?.layer?.createdBy).toMatch(/apt-get install -y curl git/);
    expect(report.packages.find((p) => p.name === "bash")?.locations[0]?.layer?.diffId).toBe(report.artifact.layers[0]?.diffId);
  });
});
