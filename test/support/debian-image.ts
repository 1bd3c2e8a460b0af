// Builds images from real Debian 12 packages, for tests and the benchmark: `apt-get download`
// fetches the .debs (cached between runs), `dpkg-deb --fsys-tarfile` streams each package's
// files, which are re-packed (tar-stream) into a layer next to a real dpkg database
// (`var/lib/dpkg/status` from the packages' control data, `info/<pkg>.list` from their file
// lists). Nothing is extracted to disk and nothing is installed: maintainer scripts do not run,
// so files they would create (alternatives, compiled caches) are absent.
//
//   const reason = missingDebianTools("my test");           // apt-get / dpkg-deb missing?
//   try { await buildDebianImage({ packages: ["python3.11"], layout: "oci", out: dir }); }
//   catch (e) { if (e instanceof DebianDownloadError) …skip with e.message… }
//
// Layers: one with every package and the dpkg database, then one with `extraFiles` (when
// given); or, with `layers`, one per group of packages and file set, in order, each package
// layer carrying what `apt-get install` in a Dockerfile leaves: the whole status file as it
// stands after its packages, and the file lists of its own packages. Layers are uncompressed tars (diffID = digest) unless
// `compression: "gzip"`, written while they are built.
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Transform, Writable } from "node:stream";
import { createGzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import tar from "tar-stream";
import { missingTool } from "./tools.js";

export interface DebianImageOptions {
  /**
   * Debian package names, downloaded with `apt-get download`: `name`, `name=version`, or
   * `name/release` (e.g. `nodejs/bookworm` where another repository's build is installed locally).
   */
  packages: string[];
  /** Files added in a second layer, e.g. an application tree. Paths are relative to `/`. */
  extraFiles?: { path: string; content: Buffer | string; mode?: number }[];
  /** An OCI image layout directory, or a `docker save` archive file. */
  layout: "oci" | "docker-archive";
  /** Directory (oci) or file (docker-archive) to write. */
  out: string;
  /** Where .debs are kept between runs; default `.cache/debs` at the repository root. */
  cacheDir?: string;
  /**
   * Instead of `packages` and `extraFiles`: the layers in order, each a group of packages or a
   * set of files (a real image's `RUN apt-get install …` and `COPY` steps).
   */
  layers?: LayerPlan[];
  /** Layer blobs as stored: "none" (default; blob digest = diffID) or "gzip". */
  compression?: "none" | "gzip";
}

export type LayerPlan =
  | { packages: string[]; createdBy?: string }
  | { files: { path: string; content: Buffer | string; mode?: number }[]; createdBy?: string };

/** Thrown when packages cannot be downloaded (no network, no apt lists, unknown package). */
export class DebianDownloadError extends Error {}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEFAULT_DEB_CACHE = join(REPO_ROOT, ".cache", "debs");

/**
 * Why a test using this builder must skip (a missing `apt-get` or `dpkg-deb`), printed once as
 * the usual missing-tool line; undefined when both are there.
 */
export function missingDebianTools(what: string): string | undefined {
  return missingTool(what, ["apt-get", "dpkg-deb"]);
}

function run(cmd: string, args: string[], cwd?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) rej(Object.assign(err, { stderr }));
      else res({ stdout, stderr });
    });
  });
}

/** `name_version_arch.deb` as apt-get names it (an epoch's ":" is written "%3a"). */
function cachedDeb(dir: string, spec: string): string | undefined {
  // `name=version` pins a version; `name/release` (e.g. nodejs/bookworm) takes any cached one.
  const [name, version] = spec.split("/")[0]!.split("=") as [string, string | undefined];
  const prefix = version ? `${name}_${version.replace(/:/g, "%3a")}_` : `${name}_`;
  const hits = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith(".deb") && f.slice(prefix.length).split("_").length === (version ? 1 : 2)).sort();
  const last = hits[hits.length - 1];
  return last ? join(dir, last) : undefined;
}

/** The .deb files for `packages`, downloading the ones not yet in the cache. */
export async function downloadDebs(packages: string[], cacheDir = DEFAULT_DEB_CACHE): Promise<string[]> {
  mkdirSync(cacheDir, { recursive: true });
  const missing = packages.filter((p) => cachedDeb(cacheDir, p) === undefined);
  if (missing.length) {
    try {
      await run("apt-get", ["download", "-q", ...missing], cacheDir);
    } catch (e) {
      const stderr = String((e as { stderr?: string }).stderr ?? "");
      const line = stderr.split("\n").find((l) => /^E:/.test(l)) ?? (e as Error).message.split("\n")[0];
      throw new DebianDownloadError(`apt-get download failed (${line?.trim()}); no network, or run apt-get update first`);
    }
  }
  return packages.map((p) => {
    const f = cachedDeb(cacheDir, p);
    if (!f) throw new DebianDownloadError(`apt-get download gave no .deb for ${p}`);
    return f;
  });
}

const clean = (name: string): string => name.replace(/^\.?\/+/, "").replace(/^\.\/+/, "");

interface Layer {
  file: string;
  /** Of the uncompressed tar. */
  digest: string;
  size: number;
  createdBy: string;
  /** The stored blob when compressed. */
  blob?: { file: string; digest: string; size: number };
}

/** A tar written to a temporary file while it is packed, hashed on the way. */
function layerWriter(dir: string): { pack: tar.Pack; done: Promise<{ file: string; digest: string; size: number }> } {
  const pack = tar.pack();
  const hash = createHash("sha256");
  const file = join(dir, `layer-${Math.random().toString(36).slice(2)}.tar`);
  let size = 0;
  const out = createWriteStream(file);
  const tap = new Writable({
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      if (out.write(chunk)) cb();
      else out.once("drain", () => cb());
    },
    final(cb) {
      out.end(cb);
    },
  });
  const done = pipeline(pack, tap).then(() => ({ file, digest: "sha256:" + hash.digest("hex"), size }));
  return { pack, done };
}

function addEntry(pack: tar.Pack, header: tar.Header, body?: NodeJS.ReadableStream | Buffer): Promise<void> {
  return new Promise((res, rej) => {
    if (Buffer.isBuffer(body)) {
      pack.entry(header, body, (err) => (err ? rej(err) : res()));
      return;
    }
    const sink = pack.entry(header, (err) => (err ? rej(err) : res()));
    if (body) (body as NodeJS.ReadableStream).pipe(sink as unknown as NodeJS.WritableStream);
  });
}

/** Streams one package's files into `pack`; returns the paths for its dpkg file list. */
async function packDeb(deb: string, pack: tar.Pack): Promise<{ paths: string[]; files: number }> {
  const child = spawn("dpkg-deb", ["--fsys-tarfile", deb], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number>((res) => child.on("close", (code) => res(code ?? 1)));
  const extract = tar.extract();
  child.stdout.pipe(extract as unknown as NodeJS.WritableStream);
  const paths: string[] = [];
  let files = 0;
  for await (const entry of extract) {
    const h = entry.header;
    const name = clean(h.name).replace(/\/$/, "");
    if (name === "" || name === ".") {
      entry.resume();
      continue;
    }
    paths.push("/" + name);
    const header: tar.Header = {
      name: h.type === "directory" ? name + "/" : name,
      size: h.type === "file" || h.type === "contiguous-file" ? h.size : 0,
      mode: h.mode,
      mtime: h.mtime,
      type: h.type === "contiguous-file" ? "file" : h.type,
      linkname: h.type === "link" ? clean(h.linkname) : h.linkname,
      uid: h.uid,
      gid: h.gid,
      uname: h.uname,
      gname: h.gname,
      devmajor: h.devmajor,
      devminor: h.devminor,
    };
    if (header.type === "file") {
      files++;
      await addEntry(pack, header, entry as unknown as NodeJS.ReadableStream);
    } else {
      entry.resume();
      await addEntry(pack, header, Buffer.alloc(0));
    }
  }
  const code = await exited;
  if (code !== 0) throw new Error(`dpkg-deb --fsys-tarfile ${deb} failed: ${stderr.trim()}`);
  return { paths, files };
}

/** The control stanza as dpkg's status file holds it for an installed package. */
function statusStanza(control: string): { stanza: string; name: string; arch: string; multiArchSame: boolean } {
  const text = control.replace(/\n+$/, "");
  const name = /^Package:\s*(\S+)/m.exec(text)?.[1];
  if (!name) throw new Error("control data without a Package field");
  const arch = /^Architecture:\s*(\S+)/m.exec(text)?.[1] ?? "all";
  const multiArchSame = /^Multi-Arch:\s*same\s*$/m.test(text);
  const stanza = text.replace(/^(Package:[^\n]*\n)/, "$1Status: install ok installed\n");
  return { stanza, name, arch, multiArchSame };
}

/** Builds the image; returns the number of regular files in it. */
export async function buildDebianImage(opts: DebianImageOptions): Promise<{ files: number }> {
  const plans: LayerPlan[] = opts.layers ?? [
    { packages: opts.packages, createdBy: `RUN apt-get install ${opts.packages.join(" ")}` },
    ...(opts.extraFiles?.length ? [{ files: opts.extraFiles, createdBy: "COPY . /" }] : []),
  ];
  const all = plans.flatMap((p) => ("packages" in p ? p.packages : []));
  const debs = new Map<string, string>();
  (await downloadDebs(all, opts.cacheDir)).forEach((deb, i) => debs.set(all[i]!, deb));
  const work = join(opts.layout === "oci" ? opts.out : dirname(opts.out), `.debian-image-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    const layers: Layer[] = [];
    let files = 0;
    const meta = { mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, type: "file" as const };
    // The dpkg database grows layer by layer, as apt-get leaves it.
    const stanzas: string[] = [];
    const lists: { name: string; paths: string[] }[] = [];
    for (const plan of plans) {
      const layer = layerWriter(work);
      if ("packages" in plan) {
        for (const spec of plan.packages) {
          const deb = debs.get(spec)!;
          const { stdout } = await run("dpkg-deb", ["-f", deb]);
          const ctl = statusStanza(stdout);
          const packed = await packDeb(deb, layer.pack);
          files += packed.files;
          stanzas.push(ctl.stanza);
          lists.push({ name: ctl.multiArchSame ? `${ctl.name}:${ctl.arch}` : ctl.name, paths: ["/.", ...packed.paths] });
        }
        for (const d of ["var/", "var/lib/", "var/lib/dpkg/", "var/lib/dpkg/info/"]) await addEntry(layer.pack, { name: d, type: "directory", mode: 0o755, mtime: new Date(0) } as tar.Header, Buffer.alloc(0));
        const status = Buffer.from(stanzas.join("\n\n") + "\n");
        await addEntry(layer.pack, { ...meta, name: "var/lib/dpkg/status", size: status.length } as tar.Header, status);
        // Only this step's file lists are new; the status file is rewritten whole, as dpkg does.
        for (const l of lists.slice(lists.length - plan.packages.length)) {
          const body = Buffer.from(l.paths.join("\n") + "\n");
          await addEntry(layer.pack, { ...meta, name: `var/lib/dpkg/info/${l.name}.list`, size: body.length } as tar.Header, body);
        }
      } else {
        const dirs = new Set<string>();
        for (const f of plan.files) {
          const name = clean(f.path);
          const parts = name.split("/");
          for (let i = 1; i < parts.length; i++) {
            const d = parts.slice(0, i).join("/") + "/";
            if (!dirs.has(d)) {
              dirs.add(d);
              await addEntry(layer.pack, { name: d, type: "directory", mode: 0o755, mtime: new Date(0) } as tar.Header, Buffer.alloc(0));
            }
          }
          const body = typeof f.content === "string" ? Buffer.from(f.content) : f.content;
          await addEntry(layer.pack, { ...meta, name, mode: f.mode ?? 0o644, size: body.length } as tar.Header, body);
          files++;
        }
      }
      layer.pack.finalize();
      const written: Layer = { ...(await layer.done), createdBy: plan.createdBy ?? ("packages" in plan ? `RUN apt-get install ${plan.packages.join(" ")}` : "COPY . /") };
      if (opts.compression === "gzip") written.blob = await gzipFile(written.file);
      layers.push(written);
    }

    const created = "2024-01-01T00:00:00Z";
    const config = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        created,
        config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["bash"] },
        rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
        history: layers.map((l) => ({ created, created_by: l.createdBy })),
      }),
    );
    const configDigest = "sha256:" + createHash("sha256").update(config).digest("hex");
    if (opts.layout === "oci") await writeOci(opts.out, layers, config, configDigest);
    else await writeDockerArchive(opts.out, work, layers, config, configDigest);
    return { files };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** gzip -6 of a layer tar, hashed: the blob a registry would store. */
async function gzipFile(file: string): Promise<{ file: string; digest: string; size: number }> {
  const out = file + ".gz";
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  await pipeline(createReadStream(file), createGzip({ level: 6 }), tap, createWriteStream(out));
  rmSync(file, { force: true });
  return { file: out, digest: "sha256:" + hash.digest("hex"), size };
}

async function writeOci(dir: string, layers: Layer[], config: Buffer, configDigest: string): Promise<void> {
  const blobs = join(dir, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const put = (digest: string, bytes: Buffer): void => writeFileSync(join(blobs, digest.slice(7)), bytes);
  for (const l of layers) renameSync(l.blob?.file ?? l.file, join(blobs, (l.blob?.digest ?? l.digest).slice(7)));
  put(configDigest, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
      layers: layers.map((l) =>
        l.blob ? { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: l.blob.digest, size: l.blob.size } : { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: l.digest, size: l.size },
      ),
    }),
  );
  const manifestDigest = "sha256:" + createHash("sha256").update(manifest).digest("hex");
  put(manifestDigest, manifest);
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: manifestDigest, size: manifest.length, platform: { os: "linux", architecture: "amd64" } }],
    }),
  );
}

async function writeDockerArchive(file: string, work: string, layers: Layer[], config: Buffer, configDigest: string): Promise<void> {
  const pack = tar.pack();
  const tmp = join(work, "archive.tar");
  const done = pipeline(pack, createWriteStream(tmp));
  const configName = `${configDigest.slice(7)}.json`;
  const layerNames = layers.map((l) => `${l.digest.slice(7)}/layer.tar`);
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: null, Layers: layerNames }]));
  const meta = { mode: 0o644, mtime: new Date(0), type: "file" as const };
  await addEntry(pack, { ...meta, name: "manifest.json", size: manifest.length } as tar.Header, manifest);
  await addEntry(pack, { ...meta, name: configName, size: config.length } as tar.Header, config);
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    const f = l.blob?.file ?? l.file;
    await addEntry(pack, { ...meta, name: layerNames[i]!, size: statSync(f).size } as tar.Header, createReadStream(f));
  }
  pack.finalize();
  await done;
  renameSync(tmp, file);
}
