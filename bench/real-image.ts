// The real benchmark image: Debian 12 packages with their real files (apt-get download +
// dpkg-deb, through test/support/debian-image.ts), in gzip layers as a Dockerfile makes them —
// base system, Python, Ruby, Node, Java, container tools — plus an application layer: a real
// node_modules installed by `npm ci` from bench/real-app, and a Spring-Boot-style fat jar of
// the image's own jars. Built once into .bench-cache/real/ (oci/ and, unpacked, rootfs/).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDebianImage, missingDebianTools, type LayerPlan } from "../test/support/debian-image.js";
import { ZipWriter } from "../test/vulndb/zip-writer.js";

/** Bump when the recipe changes: the cached image is rebuilt. */
const VERSION = "4";

/** `apt-get install` steps, each a layer; dependencies are resolved by apt, recommends left out. */
const STEPS: { name: string; packages: string[] }[] = [
  { name: "base", packages: ["base-files", "base-passwd", "bash", "coreutils", "dash", "debianutils", "diffutils", "dpkg", "findutils", "grep", "gzip", "hostname", "login", "mawk", "ncurses-bin", "perl-base", "sed", "tar", "util-linux", "apt", "ca-certificates", "curl", "git", "procps", "less", "openssl", "iproute2", "xz-utils", "bzip2", "unzip", "binutils"] },
  { name: "python", packages: ["python3", "python3-pip", "python3-venv", "python3-yaml", "python3-requests", "python3-jinja2", "python3-cryptography"] },
  { name: "ruby", packages: ["ruby", "ruby-rack", "ruby-json", "ruby-nokogiri", "bundler"] },
  { name: "node", packages: ["nodejs", "npm"] },
  { name: "java", packages: ["openjdk-17-jre-headless", "maven", "ant", "libjetty9-java"] },
  { name: "container tools", packages: ["docker-registry", "containerd", "runc", "umoci"] },
  { name: "tools", packages: ["gcc", "make", "e2fsprogs", "postgresql-client", "mariadb-client", "openssh-client", "rsync", "jq", "sqlite3", "strace", "file", "zstd", "bind9-dnsutils", "net-tools", "bsdextrautils", "util-linux-extra", "iputils-ping", "psmisc", "tmux", "lsof", "htop"] },
];

export interface RealImage {
  /** OCI layout directory. */
  dir: string;
  /** The same image unpacked, for rootfs: scans. */
  rootfs: string;
  layerBlobs: string[];
  compressedBytes: number;
  uncompressedBytes: number;
  files: number;
  elfExecutables: number;
  goBinaries: number;
  jars: number;
  npmPackages: number;
  debs: number;
}

const here = fileURLToPath(new URL(".", import.meta.url));
/** bench/ in the source tree (this file runs from dist/bench). */
const SOURCE = join(here, "..", "..", "bench");

/** Resolves `packages` (cumulative with what earlier steps installed) to pinned name=version. */
function resolveSteps(): string[][] {
  const empty = join(mkdtempSync(join(tmpdir(), "bw-apt-")), "status");
  writeFileSync(empty, "");
  const seen = new Set<string>();
  const out: string[][] = [];
  const wanted: string[] = [];
  for (const step of STEPS) {
    wanted.push(...step.packages);
    const r = spawnSync("apt-get", ["-s", "-o", `Dir::State::Status=${empty}`, "install", "--no-install-recommends", ...wanted], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`apt-get -s install failed: ${(r.stderr || r.stdout).split("\n").find((l) => l.startsWith("E:")) ?? r.status}`);
    const pins: string[] = [];
    for (const line of r.stdout.split("\n")) {
      const m = /^Inst (\S+) \((\S+) /.exec(line);
      if (!m) continue;
      const pin = `${m[1]!.replace(/:amd64$/, "")}=${m[2]}`;
      if (!seen.has(pin)) {
        seen.add(pin);
        pins.push(pin);
      }
    }
    out.push(pins);
  }
  rmSync(join(empty, ".."), { recursive: true, force: true });
  return out;
}

function walk(dir: string, visit: (path: string) => void): void {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) walk(p, visit);
    else if (name.isFile()) visit(p);
  }
}

/** node_modules from `npm ci` of bench/real-app (a real lockfile), as image files under /app. */
function npmApp(work: string): { files: { path: string; content: Buffer }[]; packages: number } {
  const app = join(work, "app");
  mkdirSync(app, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) writeFileSync(join(app, f), readFileSync(join(SOURCE, "real-app", f)));
  const r = spawnSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: app, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm ci failed: ${r.stderr.split("\n")[0]}`);
  const files: { path: string; content: Buffer }[] = [];
  let packages = 0;
  walk(app, (p) => {
    const rel = relative(app, p);
    if (/(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(rel)) packages++;
    files.push({ path: `app/${rel}`, content: readFileSync(p) });
  });
  return { files, packages };
}

/** A Spring-Boot-style fat jar (BOOT-INF/lib/*.jar) of the real jars the Java step installs. */
function fatJar(work: string, javaDebs: string[]): Buffer {
  const x = join(work, "java");
  mkdirSync(x, { recursive: true });
  for (const deb of javaDebs) execFileSync("dpkg-deb", ["-x", deb, x]);
  const jars: string[] = [];
  walk(x, (p) => {
    if (p.endsWith(".jar") && statSync(p).size > 20_000) jars.push(p);
  });
  jars.sort();
  const out = join(work, "app.jar");
  const z = new ZipWriter(out, true);
  z.add("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: org.springframework.boot.loader.JarLauncher\r\nStart-Class: org.bench.App\r\nImplementation-Title: bench-app\r\nImplementation-Version: 1.0.0\r\n\r\n");
  z.add("META-INF/maven/org.bench/bench-app/pom.properties", "groupId=org.bench\nartifactId=bench-app\nversion=1.0.0\n");
  const names = new Set<string>();
  for (const j of jars.slice(0, 60)) {
    const name = j.split("/").pop()!;
    if (names.has(name)) continue;
    names.add(name);
    z.add(`BOOT-INF/lib/${name}`, readFileSync(j));
  }
  z.close();
  return readFileSync(out);
}

function isElfExecutable(p: string): boolean {
  const st = statSync(p);
  if (!(st.mode & 0o111) || st.size < 64) return false;
  const fd = readFileSync(p, { flag: "r" }).subarray(0, 4);
  return fd.toString("latin1") === "\x7fELF";
}

/** Builds the image once; undefined (with the reason printed) when this machine cannot. */
export async function ensureRealImage(root: string): Promise<RealImage | undefined> {
  const base = join(root, "real");
  const stamp = join(base, "image.json");
  if (existsSync(stamp)) {
    const cached = JSON.parse(readFileSync(stamp, "utf8")) as RealImage & { version: string };
    if (cached.version === VERSION && existsSync(cached.dir) && existsSync(cached.rootfs)) return cached;
  }
  const missing = missingDebianTools("the real benchmark image");
  if (missing) return undefined;
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "bw-real-"));
  try {
    console.log("building the real benchmark image (once): resolving and downloading Debian packages…");
    const steps = resolveSteps();
    const { downloadDebs } = await import("../test/support/debian-image.js");
    const all = steps.flat();
    const debs = await downloadDebs(all);
    const debOf = new Map(all.map((p, i) => [p, debs[i]!]));
    const app = npmApp(work);
    const javaDebs = steps[STEPS.findIndex((s) => s.name === "java")]!.filter((p) => /-java=|^ant=|^maven=|^libmaven/.test(p)).map((p) => debOf.get(p)!);
    const jar = fatJar(work, javaDebs);
    const layers: LayerPlan[] = [
      ...steps.map((packages, i) => ({ packages, createdBy: `RUN apt-get install --no-install-recommends ${STEPS[i]!.packages.join(" ")}` })),
      { files: [...app.files, { path: "opt/app/app.jar", content: jar }], createdBy: "COPY app /app" },
    ];
    const dir = join(base, "oci");
    console.log(`… packing ${all.length} packages into ${layers.length} gzip layers`);
    const built = await buildDebianImage({ packages: [], layers, layout: "oci", out: dir, compression: "gzip" });
    const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(dir, "blobs", "sha256", index.manifests[0]!.digest.slice(7)), "utf8")) as { layers: { digest: string; size: number }[] };
    const layerBlobs = manifest.layers.map((l) => join(dir, "blobs", "sha256", l.digest.slice(7)));
    // The same image unpacked (the host-scan case), layer over layer.
    const rootfs = join(base, "rootfs");
    mkdirSync(rootfs);
    let uncompressed = 0;
    for (const blob of layerBlobs) {
      execFileSync("tar", ["-xzf", blob, "-C", rootfs, "--no-same-owner", "--delay-directory-restore"]);
      uncompressed += Number(execFileSync("sh", ["-c", 'gzip -dc "$1" | wc -c', "sh", blob], { encoding: "utf8" }).trim());
    }
    let elf = 0;
    let go = 0;
    let jars = 0;
    walk(rootfs, (p) => {
      if (p.endsWith(".jar")) jars++;
      else if (isElfExecutable(p)) {
        elf++;
        if (readFileSync(p).includes("\xff Go buildinf:", 0, "latin1")) go++;
      }
    });
    const info: RealImage & { version: string } = {
      version: VERSION,
      dir,
      rootfs,
      layerBlobs,
      compressedBytes: manifest.layers.reduce((n, l) => n + l.size, 0),
      uncompressedBytes: uncompressed,
      files: built.files,
      elfExecutables: elf,
      goBinaries: go,
      jars,
      npmPackages: app.packages,
      debs: all.length,
    };
    writeFileSync(stamp, JSON.stringify(info, null, 2));
    return info;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface BigImage {
  dir: string;
  uncompressedBytes: number;
}

/**
 * A 2 GiB image for the memory bound: the real image's layers plus one layer of its large files
 * (Go binaries, the JDK's modules, shared libraries, jars) copied over and over under other
 * directories, so that every analyzer sees many big bodies.
 */
export async function ensureBigImage(root: string, real: RealImage): Promise<BigImage> {
  const dir = join(root, "real", "big");
  const stamp = join(dir, "image.json");
  if (existsSync(stamp)) return JSON.parse(readFileSync(stamp, "utf8")) as BigImage;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  const { createHash } = await import("node:crypto");
  const { createGzip } = await import("node:zlib");
  const { createWriteStream, linkSync, copyFileSync } = await import("node:fs");
  const { pipeline } = await import("node:stream/promises");
  const { Transform } = await import("node:stream");
  const tar = (await import("tar-stream")).default;
  const large: string[] = [];
  walk(real.rootfs, (p) => {
    if (statSync(p).size >= 4 * 2 ** 20) large.push(p);
  });
  large.sort();
  const target = 2 * 2 ** 30 - real.uncompressedBytes;
  const pack = tar.pack();
  const diff = createHash("sha256");
  const blobHash = createHash("sha256");
  let blobSize = 0;
  const tmp = join(dir, "layer.tmp");
  const hashTar = new Transform({ transform(c: Buffer, _e, cb) { diff.update(c); cb(null, c); } });
  const hashBlob = new Transform({ transform(c: Buffer, _e, cb) { blobHash.update(c); blobSize += c.length; cb(null, c); } });
  const done = pipeline(pack, hashTar, createGzip({ level: 1 }), hashBlob, createWriteStream(tmp));
  let written = 0;
  for (let copy = 0; written < target && large.length; copy++) {
    for (const p of large) {
      if (written >= target) break;
      const body = readFileSync(p);
      const st = statSync(p);
      await new Promise<void>((res, rej) => pack.entry({ name: `opt/copy${copy}/${relative(real.rootfs, p)}`, size: body.length, mode: st.mode & 0o777, mtime: new Date(0) }, body, (e) => (e ? rej(e) : res())));
      written += body.length;
    }
  }
  pack.finalize();
  await done;
  const diffId = "sha256:" + diff.digest("hex");
  const blobDigest = "sha256:" + blobHash.digest("hex");
  const { renameSync } = await import("node:fs");
  renameSync(tmp, join(dir, "blobs", "sha256", blobDigest.slice(7)));
  // The real image's blobs, shared by hard link where possible.
  const index = JSON.parse(readFileSync(join(real.dir, "index.json"), "utf8")) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(join(real.dir, "blobs", "sha256", index.manifests[0]!.digest.slice(7)), "utf8")) as { config: { digest: string }; layers: { mediaType: string; digest: string; size: number }[] };
  const config = JSON.parse(readFileSync(join(real.dir, "blobs", "sha256", manifest.config.digest.slice(7)), "utf8")) as { rootfs: { diff_ids: string[] }; history: object[] };
  for (const l of manifest.layers) {
    const from = join(real.dir, "blobs", "sha256", l.digest.slice(7));
    const to = join(dir, "blobs", "sha256", l.digest.slice(7));
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
  config.rootfs.diff_ids.push(diffId);
  config.history.push({ created_by: "COPY big /opt" });
  const put = (bytes: Buffer): string => {
    const d = "sha256:" + createHash("sha256").update(bytes).digest("hex");
    writeFileSync(join(dir, "blobs", "sha256", d.slice(7)), bytes);
    return d;
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const m = Buffer.from(JSON.stringify({ ...manifest, config: { ...manifest.config, digest: put(configBytes), size: configBytes.length }, layers: [...manifest.layers, { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: blobDigest, size: blobSize }] }));
  const md = put(m);
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: md, size: m.length }] }));
  const info: BigImage = { dir, uncompressedBytes: real.uncompressedBytes + written };
  writeFileSync(stamp, JSON.stringify(info));
  return info;
}
