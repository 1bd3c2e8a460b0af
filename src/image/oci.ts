// OCI image layouts, as a directory (oci:) or a tar of one (oci-archive:).
import { UserError } from "../errors.js";
import { TarArchive } from "./archive.js";
import { archiveStore, blobPath, dirStore, parseJson, readVerifiedBlob, type BlobStore } from "./blobs.js";
import { imageFromManifest, isIndex, type Descriptor, type IndexJson } from "./manifest.js";
import { selectPlatform } from "./platform.js";
import type { Image, OpenOptions } from "./types.js";

const MAX_JSON = 16 * 2 ** 20;
const REF_NAME = "org.opencontainers.image.ref.name";

export async function openOciLayout(dir: string, selector: string | undefined, target: string, opts: OpenOptions): Promise<Image> {
  const store = dirStore(dir);
  if (!(await store.hasFile("index.json"))) throw new UserError("INPUT", `${dir}: not an OCI layout (no index.json)`);
  return openFromStore(store, selector, target, "oci", opts, async () => {});
}

export async function openOciArchive(source: string | TarArchive, selector: string | undefined, target: string, opts: OpenOptions): Promise<Image> {
  const archive = typeof source === "string" ? await TarArchive.open(source) : source;
  const file = archive.file;
  try {
    const store = archiveStore(archive);
    if (!archive.has("index.json")) throw new UserError("INPUT", `${file}: not an OCI archive (no index.json)`);
    return await openFromStore(store, selector, target, "oci-archive", opts, () => archive.close());
  } catch (e) {
    await archive.close();
    throw e;
  }
}

async function openFromStore(
  store: BlobStore,
  selector: string | undefined,
  target: string,
  type: string,
  opts: OpenOptions,
  close: () => Promise<void>,
): Promise<Image> {
  const index = parseJson<IndexJson>(await store.readFile("index.json", MAX_JSON), `${store.name}: index.json`);
  if (!Array.isArray(index.manifests)) throw new UserError("INPUT", `${store.name}: index.json has no manifests`);
  // Several untagged entries that all name a platform are one multi-platform image.
  const multiPlatform = !selector && index.manifests.length > 1 && index.manifests.every((m) => m.platform);
  let desc = multiPlatform ? selectPlatform(index.manifests, opts.platform, target) : pick(index.manifests, selector, store.name);
  const names = desc.annotations?.[REF_NAME] ? [desc.annotations[REF_NAME]] : [];
  // Nested indexes (multi-platform images): descend until we reach a manifest.
  for (let depth = 0; ; depth++) {
    if (depth > 4) throw new UserError("INPUT", `${store.name}: image indexes nested too deeply`);
    const bytes = await readVerifiedBlob(store, desc.digest, MAX_JSON);
    const doc = parseJson<Record<string, unknown>>(bytes, `${store.name}: ${desc.digest}`);
    if (isIndex(doc, desc.mediaType)) {
      const manifests = (doc as unknown as IndexJson).manifests;
      if (!Array.isArray(manifests)) throw new UserError("INPUT", `${store.name}: index ${desc.digest} has no manifests`);
      desc = selectPlatform(manifests, opts.platform, `${target}`);
      continue;
    }
    return imageFromManifest({
      doc,
      digest: desc.digest,
      target,
      type,
      names,
      what: store.name,
      readBlob: (d, max) => readVerifiedBlob(store, d, max),
      openBlob: (d) => store.openFile(blobPath(d)),
      close,
    });
  }
}

function pick(manifests: Descriptor[], selector: string | undefined, name: string): Descriptor {
  if (selector?.startsWith("@")) {
    const digest = selector.slice(1);
    const hit = manifests.find((m) => m.digest === digest);
    // A digest not listed at the top may still be a blob in the layout (a platform manifest).
    return hit ?? { digest, mediaType: undefined };
  }
  if (selector) {
    const hit = manifests.find((m) => m.annotations?.[REF_NAME] === selector);
    if (!hit) {
      const tags = manifests.map((m) => m.annotations?.[REF_NAME]).filter(Boolean);
      throw new UserError("NOT_FOUND", `${name}: no image tagged "${selector}" (tags: ${tags.join(", ") || "none"})`);
    }
    return hit;
  }
  if (manifests.length === 1) return manifests[0]!;
  if (manifests.length === 0) throw new UserError("INPUT", `${name}: index.json lists no images`);
  const tags = manifests.map((m) => m.annotations?.[REF_NAME] ?? m.digest);
  throw new UserError("USAGE", `${name}: holds ${manifests.length} images; choose one with :TAG or @DIGEST (${tags.join(", ")})`);
}
