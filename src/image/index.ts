import { UserError } from "../errors.js";
import { TarArchive } from "./archive.js";
import { openDockerArchive } from "./docker-archive.js";
import { openOciArchive, openOciLayout } from "./oci.js";
import { openRegistryImage } from "./registry/index.js";
import { detectArchive, type Target } from "./target.js";
import type { Image, OpenOptions } from "./types.js";

export { parseTarget, type Target, type Transport } from "./target.js";
export { parsePlatform, formatPlatform } from "./platform.js";
export { walkRootfs, assertDirectory, type RootfsEntry } from "./rootfs.js";
export type { Image, ImageLayer, ImageConfig, OpenOptions, Platform, ProgressEvent } from "./types.js";

/** Opens an image target (not dir: or sbom:, which are not images). */
export async function openImage(target: Target, opts: OpenOptions): Promise<Image> {
  if (target.transport === "archive-auto") {
    // Opened once: a compressed archive is decompressed only once.
    const archive = await TarArchive.open(target.ref);
    let kind;
    try {
      kind = detectArchive(archive);
    } catch (e) {
      await archive.close();
      throw e;
    }
    return kind === "docker-archive" ? openDockerArchive(archive, target.selector, target.raw) : openOciArchive(archive, target.selector, target.raw, opts);
  }
  switch (target.transport) {
    case "docker-archive":
      return openDockerArchive(target.ref, target.selector, target.raw);
    case "oci":
      return openOciLayout(target.ref, target.selector, target.raw, opts);
    case "oci-archive":
      return openOciArchive(target.ref, target.selector, target.raw, opts);
    case "registry": {
      const image = await openRegistryImage(target.ref, opts);
      image.target = target.raw; // as the user wrote it, like the other transports
      return image;
    }
    default:
      throw new UserError("USAGE", `${target.raw}: not an image target`);
  }
}
