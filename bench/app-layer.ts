// The bench image's application layer (issue 4): an npm tree of several thousand packages with
// its package-lock.json, a ~100 MB Spring-Boot-style fat jar of nested jars, and a real Go
// binary (the machine's docker or skopeo client, when present). Written as a second OCI layout
// that shares the base image's blobs.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLayer, sha256, type EntrySpec } from "../test/support/image-builder.js";
import { ZipWriter } from "../test/vulndb/zip-writer.js";
import { rng } from "./rng.js";

const VERSION = "1";


function npmTree(count: number): { entries: EntrySpec[]; lock: object } {
  const entries: EntrySpec[] = [];
  const packages: Record<string, object> = { "": { name: "bench-app", version: "1.0.0" } };
  for (let i = 0; i < count; i++) {
    const name = i % 5 === 0 ? `@bench/mod-${i}` : `bench-mod-${i}`;
    const version = `${1 + (i % 9)}.${i % 17}.${i % 5}`;
    // Every seventh package is nested under another one, as npm does on version conflicts.
    const dir = i % 7 === 0 && i > 0 ? `node_modules/bench-mod-${i - 1}/node_modules/${name}` : `node_modules/${name}`;
    entries.push({ path: `app/${dir}/package.json`, content: JSON.stringify({ name, version, license: "MIT", description: `bench module ${i}` }) });
    entries.push({ path: `app/${dir}/index.js`, content: `module.exports = ${i};\n` });
    packages[dir] = { version, resolved: `https://registry.npmjs.org/${name}/-/x-${version}.tgz`, license: "MIT", ...(i % 11 === 0 ? { dev: true } : {}) };
  }
  return { entries, lock: { name: "bench-app", version: "1.0.0", lockfileVersion: 3, requires: true, packages } };
}

function fatJar(path: string, targetBytes: number): void {
  const r = rng(7);
  const work = join(tmpdir(), `bw-bench-jar-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const outer = new ZipWriter(path, false);
  outer.add("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: org.springframework.boot.loader.JarLauncher\r\nStart-Class: org.bench.App\r\nImplementation-Title: bench-app\r\nImplementation-Version: 1.0.0\r\n\r\n");
  outer.add("META-INF/maven/org.bench/bench-app/pom.properties", "groupId=org.bench\nartifactId=bench-app\nversion=1.0.0\n");
  let written = 0;
  for (let i = 0; written < targetBytes; i++) {
    const inner = join(work, `lib-${i}.jar`);
    const z = new ZipWriter(inner, false);
    const artifact = `bench-lib-${i}`;
    z.add("META-INF/MANIFEST.MF", `Manifest-Version: 1.0\r\nImplementation-Title: ${artifact}\r\nImplementation-Version: 2.${i}.0\r\n\r\n`);
    z.add(`META-INF/maven/org.bench.libs/${artifact}/pom.properties`, `groupId=org.bench.libs\nartifactId=${artifact}\nversion=2.${i}.0\n`);
    const filler = Buffer.allocUnsafe(600 * 1024);
    for (let k = 0; k < filler.length; k++) filler[k] = Math.floor(r() * 256);
    for (let c = 0; c < 4; c++) z.add(`org/bench/libs/lib${i}/C${c}.class`, filler.subarray(c * 150 * 1024, (c + 1) * 150 * 1024));
    z.close();
    const bytes = readFileSync(inner);
    outer.add(`BOOT-INF/lib/${artifact}-2.${i}.0.jar`, bytes);
    written += bytes.length;
    rmSync(inner);
  }
  outer.close();
  rmSync(work, { recursive: true, force: true });
}

function goBinary(): string | undefined {
  for (const p of ["/usr/local/bin/docker", "/usr/bin/docker", "/usr/bin/skopeo"]) if (existsSync(p)) return p;
  return undefined;
}

export interface AppImage {
  dir: string;
  npmPackages: number;
  jarBytes: number;
  goBinary?: string;
}

/** Builds (once) an OCI layout: the base bench image plus the application layer. */
export async function ensureAppImage(root: string, baseDir: string): Promise<AppImage> {
  const dir = join(root, "image-app");
  const meta = join(root, "image-app.json");
  if (existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, "utf8")) as AppImage & { version: string };
    if (m.version === VERSION && existsSync(join(dir, "index.json"))) return m;
  }
  rmSync(dir, { recursive: true, force: true });
  const { entries, lock } = npmTree(3000);
  entries.push({ path: "app/package-lock.json", content: JSON.stringify(lock) });
  const jarPath = join(root, "bench-fat.jar");
  fatJar(jarPath, 100 * 2 ** 20);
  entries.push({ path: "app/lib/bench-app-1.0.0.jar", content: readFileSync(jarPath) });
  const go = goBinary();
  if (go) entries.push({ path: "usr/local/bin/bench-go-tool", content: readFileSync(go), mode: 0o755 });
  const layer = await buildLayer({ entries, createdBy: "COPY app /app", compression: "gzip" });
  // Copy the base layout and append the layer to its (single) image.
  const copy = (from: string, to: string): void => {
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(from)) {
      const s = join(from, f);
      if (statSync(s).isDirectory()) copy(s, join(to, f));
      else copyFileSync(s, join(to, f));
    }
  };
  copy(baseDir, dir);
  const blobs = join(dir, "blobs", "sha256");
  const blob = (d: string): Buffer => readFileSync(join(blobs, d.slice(7)));
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { manifests: { digest: string; size: number }[] };
  const manifest = JSON.parse(blob(index.manifests[0]!.digest).toString()) as { config: { digest: string; size: number }; layers: object[] };
  const config = JSON.parse(blob(manifest.config.digest).toString()) as { rootfs: { diff_ids: string[] }; history: object[] };
  config.rootfs.diff_ids.push(layer.diffId);
  config.history.push({ created: "2024-01-01T00:00:00Z", created_by: "COPY app /app" });
  const configBytes = Buffer.from(JSON.stringify(config));
  writeFileSync(join(blobs, layer.digest.slice(7)), layer.bytes);
  writeFileSync(join(blobs, sha256(configBytes).slice(7)), configBytes);
  manifest.config = { ...manifest.config, digest: sha256(configBytes), size: configBytes.length };
  manifest.layers.push({ mediaType: layer.mediaType, digest: layer.digest, size: layer.bytes.length });
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  writeFileSync(join(blobs, sha256(manifestBytes).slice(7)), manifestBytes);
  index.manifests[0] = { ...index.manifests[0]!, digest: sha256(manifestBytes), size: manifestBytes.length };
  writeFileSync(join(dir, "index.json"), JSON.stringify(index));
  const result: AppImage = { dir, npmPackages: 3000, jarBytes: statSync(jarPath).size, ...(go ? { goBinary: go } : {}) };
  rmSync(jarPath);
  writeFileSync(meta, JSON.stringify({ ...result, version: VERSION }));
  return result;
}
