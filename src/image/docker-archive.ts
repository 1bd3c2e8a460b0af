// `docker save` / `podman save` / `skopeo copy docker-archive:` output.
import { UserError } from "../errors.js";
import { TarArchive } from "./archive.js";
import { parseJson } from "./blobs.js";
import { buildImage, MAX_CONFIG, parseConfig } from "./manifest.js";
import type { Image } from "./types.js";

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** `selector` is `@N` (0-based) or a repo tag such as `nginx:1.25`. */
export async function openDockerArchive(source: string | TarArchive, selector: string | undefined, target: string): Promise<Image> {
  const archive = typeof source === "string" ? await TarArchive.open(source) : source;
  const file = archive.file;
  try {
    if (!archive.has("manifest.json")) throw new UserError("INPUT", `${file}: not a docker archive (no manifest.json)`);
    const entries = parseJson<DockerManifestEntry[]>(await archive.read("manifest.json", 16 * 2 ** 20), `${file}: manifest.json`);
    if (!Array.isArray(entries) || entries.length === 0) throw new UserError("INPUT", `${file}: manifest.json lists no images`);
    const entry = choose(entries, selector, file);
    if (typeof entry.Config !== "string" || !Array.isArray(entry.Layers) || entry.Layers.some((l) => typeof l !== "string")) {
      throw new UserError("INPUT", `${file}: malformed manifest.json entry`);
    }
    const configBytes = await archive.read(entry.Config, MAX_CONFIG);
    const config = parseConfig(configBytes, `${file}: ${entry.Config}`);
    for (const l of entry.Layers) if (!archive.has(l)) throw new UserError("INPUT", `${file}: manifest.json names missing layer ${l}`);
    const image = buildImage(
      { target, type: "docker-archive", names: entry.RepoTags ?? [], what: file, openBlob: async () => archive.open(""), close: () => archive.close() },
      config,
      configDigestOf(entry.Config),
      // Docker ≥ 25 stores layers as blobs/sha256/<hex>: then the digest is known; otherwise
      // the member is the (usually uncompressed) layer tar and is checked against its diffID.
      entry.Layers.map((p) => {
        const m = /(?:^|\/)blobs\/sha256\/([a-f0-9]{64})$/.exec(p);
        return { ...(m ? { digest: `sha256:${m[1]}` } : {}), size: archive.size(p) ?? 0, path: p };
      }),
      async (i) => archive.open(entry.Layers[i]!),
    );
    return image;
  } catch (e) {
    await archive.close();
    throw e;
  }
}

function configDigestOf(path: string): string | undefined {
  const m = /([a-f0-9]{64})(?:\.json)?$/.exec(path);
  return m ? `sha256:${m[1]}` : undefined;
}

function choose(entries: DockerManifestEntry[], selector: string | undefined, file: string): DockerManifestEntry {
  if (selector === undefined) {
    if (entries.length === 1) return entries[0]!;
    throw new UserError("USAGE", `${file}: holds ${entries.length} images; choose one with @N or :REPO:TAG (${describe(entries)})`);
  }
  if (selector.startsWith("@")) {
    const n = Number(selector.slice(1));
    if (!Number.isInteger(n) || n < 0 || n >= entries.length) {
      throw new UserError("USAGE", `${file}: no image ${selector} (the archive holds ${entries.length})`);
    }
    return entries[n]!;
  }
  const want = normaliseTag(selector);
  const hit = entries.find((e) => (e.RepoTags ?? []).some((t) => normaliseTag(t) === want));
  if (!hit) throw new UserError("NOT_FOUND", `${file}: no image tagged "${selector}" (${describe(entries)})`);
  return hit;
}

function describe(entries: DockerManifestEntry[]): string {
  return entries.map((e, i) => `@${i}: ${(e.RepoTags ?? []).join(" ") || "untagged"}`).join("; ");
}

/** `nginx` ≡ `nginx:latest` ≡ `docker.io/library/nginx:latest`. */
export function normaliseTag(t: string): string {
  let s = t;
  const lastSlash = s.lastIndexOf("/");
  if (!s.slice(lastSlash + 1).includes(":")) s += ":latest";
  s = s.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "");
  if (!s.slice(0, s.indexOf("/") + 1).match(/[.:]|^localhost\//) && !s.includes("/")) s = `library/${s}`;
  return s.replace(/^library\//, "");
}
