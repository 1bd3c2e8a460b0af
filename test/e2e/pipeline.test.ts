// The layer pipeline: heavy analyses on worker threads, bodies in memory under a byte budget
// (spooled above it), executables kept only when they carry a marker. Whatever the mix, the
// report must be byte for byte the one a single thread with no budget gives.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeEntries, type EntryLike } from "../../src/scan/layer.js";
import type { Analyzer } from "../../src/analyzers/types.js";
import { buildImage, writeOciLayout, type EntrySpec } from "../support/image-builder.js";
import { missingTool } from "../support/tools.js";
import { samples } from "../../src/secrets/samples.test-support.js";
import { writeZip } from "../vulndb/zip-writer.js";

const BIN = new URL("../../dist/bulwark.mjs", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "bw-pipeline-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function jar(name: string, group: string, artifact: string, version: string, nested: [string, Buffer][] = []): Buffer {
  const file = join(work, name);
  writeZip(file, [
    ["META-INF/MANIFEST.MF", `Manifest-Version: 1.0\nImplementation-Title: ${artifact}\nImplementation-Version: ${version}\n`],
    [`META-INF/maven/${group}/${artifact}/pom.properties`, `groupId=${group}\nartifactId=${artifact}\nversion=${version}\n`],
    ["com/example/A.class", Buffer.alloc(2000, 7)],
    ...nested,
  ], true);
  return readFileSync(file);
}

/** A minimal 64-bit ELF header followed by `body`: enough for the executable analyzers to look at. */
function elf(body: Buffer): Buffer {
  const h = Buffer.alloc(64);
  h.write("\x7fELF", 0, "latin1");
  h[4] = 2; // 64-bit
  h[5] = 1; // little endian
  h[6] = 1;
  h.writeUInt16LE(2, 16); // ET_EXEC
  h.writeUInt16LE(62, 18); // x86-64
  return Buffer.concat([h, body]);
}

function goBinary(): Buffer | undefined {
  if (missingTool("pipeline test with a real Go binary", "go")) return undefined;
  const dir = join(work, "gosrc");
  rmSync(dir, { recursive: true, force: true });
  spawnSync("mkdir", ["-p", dir]);
  writeFileSync(join(dir, "go.mod"), "module example.com/hello\n\ngo 1.19\n");
  writeFileSync(join(dir, "main.go"), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n');
  const r = spawnSync("go", ["build", "-o", join(work, "hello"), "."], { cwd: dir, env: { ...process.env, GOFLAGS: "-mod=mod", GOCACHE: join(work, "gocache"), GOPATH: join(work, "gopath"), CGO_ENABLED: "0" }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`go build failed: ${r.stderr}`);
  return readFileSync(join(work, "hello"));
}

describe.skipIf(!existsSync(BIN))("layer pipeline (worker threads, memory budget, markers)", () => {
  let layout: string;
  let hasGo = false;
  beforeAll(async () => {
    const entries: EntrySpec[] = [];
    for (let i = 0; i < 40; i++) entries.push({ path: `opt/app/lib/lib${i}.jar`, content: jar(`l${i}.jar`, "org.example", `lib${i}`, `1.${i}.0`) });
    // A fat jar of nested jars, 3 MB: above a 1 MiB budget, so it is spooled there.
    const inner = Array.from({ length: 6 }, (_, i): [string, Buffer] => [`BOOT-INF/lib/inner${i}.jar`, jar(`i${i}.jar`, "org.inner", `inner${i}`, `2.${i}`)]);
    const big: [string, Buffer][] = [["BOOT-INF/classes/big.bin", Buffer.from(Array.from({ length: 3 * 2 ** 20 }, (_, i) => (i * 7919) % 251))]];
    entries.push({ path: "opt/app/app.jar", content: jar("fat.jar", "com.acme", "app", "3.1.4", [...inner, ...big]) });
    // Executables without any marker: a script, an ELF; and an ELF whose marker straddles nothing.
    entries.push({ path: "usr/bin/script", content: "#!/bin/sh\necho hi\n".repeat(200), mode: 0o755 });
    entries.push({ path: "usr/bin/plain-elf", content: elf(Buffer.alloc(200_000, 1)), mode: 0o755 });
    // An ELF that carries the Go magic but no valid build info: the analyzer runs and finds nothing.
    entries.push({ path: "usr/bin/fake-go", content: elf(Buffer.concat([Buffer.alloc(70_000, 2), Buffer.from("\xff Go buildinf:", "latin1"), Buffer.alloc(70_000, 3)])), mode: 0o755 });
    const go = goBinary();
    if (go) {
      hasGo = true;
      entries.push({ path: "usr/local/bin/hello", content: go, mode: 0o755 });
    }
    layout = join(work, "oci");
    writeOciLayout(layout, [await buildImage({ layers: [{ entries: entries.slice(0, 20) }, { entries: entries.slice(20) }] })]);
  }, 120_000);

  const sbom = (env: Record<string, string>): { code: number; out: string; stderr: string } => {
    const out = join(work, `r-${Object.values(env).join("-") || "default"}.json`);
    const r = spawnSync(process.execPath, [BIN, "sbom", `oci:${layout}`, "--no-cache", "--format", "json", "-o", out, "-q"], { encoding: "utf8", env: { ...process.env, ...env, TMPDIR: join(work) } });
    return { code: r.status ?? -1, out: r.status === 0 ? readFileSync(out, "utf8") : "", stderr: r.stderr };
  };

  it("gives the same report inline, on workers, and with bodies spooled for want of memory", () => {
    const inline = sbom({ BULWARK_WORKERS: "0" });
    expect(inline.code, inline.stderr).toBe(0);
    const pooled = sbom({ BULWARK_WORKERS: "2" });
    const tight = sbom({ BULWARK_WORKERS: "2", BULWARK_MEMORY_BUDGET_MB: "1" });
    expect(pooled.out).toBe(inline.out);
    expect(tight.out).toBe(inline.out);
    const report = JSON.parse(inline.out) as { packages: { type: string; name: string; version: string; locations: { path: string }[] }[]; errors: unknown[] };
    const maven = report.packages.filter((p) => p.type === "maven");
    expect(maven.filter((p) => p.name.startsWith("org.example:lib"))).toHaveLength(40);
    expect(maven.map((p) => `${p.name}@${p.version}`)).toEqual(expect.arrayContaining(["com.acme:app@3.1.4", "org.inner:inner0@2.0", "org.inner:inner5@2.5"]));
    if (hasGo) {
      const golang = report.packages.filter((p) => p.type === "golang");
      expect(golang.map((p) => p.name)).toEqual(expect.arrayContaining(["stdlib", "example.com/hello"]));
      expect(golang.every((p) => p.locations[0]!.path === "/usr/local/bin/hello")).toBe(true);
    }
    expect(report.packages.some((p) => p.locations.some((l) => /plain-elf|script|fake-go/.test(l.path)))).toBe(false);
    // Spools live in TMPDIR only while they are analysed.
    expect(readdirSync(work).filter((f) => f.startsWith("bulwark-spool-"))).toEqual([]);
  }, 120_000);

  it("scans secrets the same inline and on workers, among hard links to text files", async () => {
    // Every rule's sample in its own file, among 3,000 text files without secrets (several
    // batches, and more than the 8 MiB kept for hard links), some of them non-ASCII.
    const entries: EntrySpec[] = [];
    const filler = (i: number): string => `# config ${i} f\u00fcr \u4e2d\u6587\nname = value-${i}\nurl = https://example.org/${i}\n`.repeat(1 + (i % 7) * 60);
    const secrets = Object.entries(samples());
    const links: string[] = [];
    const planted: string[] = [];
    for (let i = 0; i < 3000; i++) {
      entries.push({ path: `srv/conf/f${i}.conf`, content: filler(i) });
      const s = secrets[i % 97 === 0 ? (i / 97) % secrets.length : -1];
      if (s) {
        const path = s[1].path ?? `srv/app/s${i}.env`;
        entries.push({ path, content: s[1].text });
        planted.push(`/${path}`);
        // A hard link right after its target, and one 2,000 files later (its body long gone).
        entries.push({ path: `srv/link/near${i}`, type: "link", linkname: path });
        if (i < 900) links.push(path);
      }
      if (i === 2900) for (const [k, p] of links.entries()) entries.push({ path: `srv/link/far${k}`, type: "link", linkname: p });
    }
    const dir = join(work, "oci-secrets");
    writeOciLayout(dir, [await buildImage({ layers: [{ entries }] })]);
    const scan = (workers: string): string => {
      const out = join(work, `secrets-${workers}.json`);
      const r = spawnSync(process.execPath, [BIN, "scan", `oci:${dir}`, "--scanners", "secret", "--no-cache", "--format", "json", "-o", out, "-q"], { encoding: "utf8", env: { ...process.env, BULWARK_WORKERS: workers, TMPDIR: work } });
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(out, "utf8");
    };
    const inline = scan("0");
    expect(scan("2")).toBe(inline);
    const found = (JSON.parse(inline) as { secrets: { path: string }[] }).secrets.map((f) => f.path);
    // Each sample is found in its own file; hard links are not reported again (their target
    // is: a secret is one finding), and the filler files hold none.
    expect(new Set(found)).toEqual(new Set(planted));
    }, 180_000);
});

describe("markers", () => {
  // A file analyzer that is not registered runs inline; it records what reached it.
  const seen: string[] = [];
  const probe: Analyzer = {
    id: "test/probe",
    evidence: "installed",
    version: 1,
    input: "file",
    required: (p) => p.startsWith("bin/"),
    markers: () => [Buffer.from("NEEDLE-42")],
    analyze(file) {
      const body = file.parts ? Buffer.concat(file.parts) : file.content;
      seen.push(`${file.path}:${body.length}:${body.includes("NEEDLE-42")}`);
      return null;
    },
  };
  function entry(path: string, chunks: Buffer[]): EntryLike {
    const size = chunks.reduce((n, c) => n + c.length, 0);
    return {
      path, type: "file", size, mode: 0o755, linkname: "",
      read: () => Promise.resolve(Buffer.concat(chunks)),
      stream: async function* () { yield* chunks; },
    };
  }
  async function* each(list: EntryLike[]): AsyncGenerator<EntryLike> { yield* list; }

  it("finds a marker split across chunks at every position, and drops bodies without one", async () => {
    seen.length = 0;
    const body = Buffer.concat([Buffer.alloc(100, 1), Buffer.from("NEEDLE-42"), Buffer.alloc(100, 2)]);
    const list: EntryLike[] = [];
    for (let cut = 95; cut <= 115; cut++) list.push(entry(`bin/split-${cut}`, [body.subarray(0, cut), body.subarray(cut)]));
    // Split into three with the middle piece shorter than the marker.
    list.push(entry("bin/three", [body.subarray(0, 103), body.subarray(103, 106), body.subarray(106)]));
    list.push(entry("bin/none", [Buffer.alloc(500, 1), Buffer.alloc(500, 2)]));
    list.push(entry("bin/almost", [Buffer.from("NEEDLE-4"), Buffer.from("3")]));
    await analyzeEntries(each(list), [probe], "test");
    expect(seen).toEqual([...Array.from({ length: 21 }, (_, i) => `bin/split-${95 + i}:209:true`), "bin/three:209:true"]);
  });
});
