// Compares the parser with the real rpm on every fixture, when rpm is installed (CI installs it).
// Debian's rpm 4.18 reads sqlite and, through its read-only "bdb_ro" backend, Berkeley DB; it has
// no ndb backend, so the ndb case is skipped there. Each case checks for its own backend, so an
// rpm without BDB support skips only the BDB cases.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { missingTool } from "../../../../test/support/tools.js";
import { SYFT_BDB, analyze, asRpmLine, fixture, ndbFixture, rpmBackends, rpmQuery } from "./test-support/helpers.js";

const missing = missingTool("rpm database cross-checks", "rpm");
const backends = missing === undefined ? rpmBackends() : new Set<string>();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CASES: { label: string; load: () => Buffer; file: string; backend: string }[] = [
  { label: "Syft's real Packages (BDB)", load: () => readFileSync(SYFT_BDB), file: "Packages", backend: "bdb_ro" },
  { label: "bdb-le/Packages", load: () => fixture("bdb-le/Packages"), file: "Packages", backend: "bdb_ro" },
  { label: "bdb-be/Packages", load: () => fixture("bdb-be/Packages"), file: "Packages", backend: "bdb_ro" },
  { label: "bdb-64k/Packages", load: () => fixture("bdb-64k/Packages"), file: "Packages", backend: "bdb_ro" },
  { label: "sqlite/rpmdb.sqlite", load: () => fixture("sqlite/rpmdb.sqlite"), file: "rpmdb.sqlite", backend: "sqlite" },
  { label: "ndb Packages.db", load: () => ndbFixture(), file: "Packages.db", backend: "ndb" },
];

const sorted = (a: string[]) => [...a].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

describe.each(CASES)("rpm vs parser: $label", ({ load, file, backend }) => {
  // A backend this rpm lacks (Debian's has no ndb) skips only its case: not a missing tool.
  const run = it.skipIf(missing !== undefined || !backends.has(backend));

  /** A private copy in the layout rpm expects (rpm may write -shm/-wal files beside it). */
  function dbDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-rpm-"));
    dirs.push(dir);
    writeFileSync(join(dir, file), load());
    return dir;
  }

  run("same packages: name, epoch, version, release, arch, source rpm", () => {
    const dir = dbDir();
    const fromRpm = rpmQuery(dir, backend, "%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}\\n");
    const ours = analyze(load()).packages;
    expect(ours.length).toBeGreaterThan(0);
    expect(sorted(ours.map(asRpmLine))).toEqual(sorted(fromRpm.filter((l) => !l.startsWith("gpg-pubkey|"))));
  });

  run("same [epoch:]version-release, license, vendor and size", () => {
    const dir = dbDir();
    // Syft's dive header carries VENDOR as an empty string: rpm prints "", we leave the empty
    // value out of metadata, so an empty field counts as absent here.
    const fromRpm = rpmQuery(dir, backend, "%{NAME}|%{EVR}|%{LICENSE}|%{VENDOR}|%{SIZE}\\n")
      .filter((l) => !l.startsWith("gpg-pubkey|"))
      .map((l) => l.split("|").map((f) => f || "(none)").join("|"));
    const ours = analyze(load()).packages.map((p) =>
      [p.name, p.version, p.licenses[0] ?? "(none)", p.metadata?.vendor ?? "(none)", p.metadata?.size ?? "(none)"].join("|"),
    );
    expect(sorted(ours)).toEqual(sorted(fromRpm));
  });

  run("same file lists", () => {
    const dir = dbDir();
    const fromRpm = rpmQuery(dir, backend, "[%{=NAME} %{FILENAMES}\\n]").filter((l) => !l.startsWith("gpg-pubkey "));
    const ours = analyze(load()).packages.flatMap((p) => (p.files ?? []).map((f) => `${p.name} ${f}`));
    expect(sorted(ours)).toEqual(sorted(fromRpm));
  });
});
