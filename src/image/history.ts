import type { ImageConfig } from "./types.js";

/** The `created_by` line of each non-empty layer, in layer order. */
export function layerCreatedBy(config: ImageConfig): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const h of config.history ?? []) if (!h.empty_layer) out.push(h.created_by);
  return out;
}

export function diffIds(config: ImageConfig): string[] {
  const ids = config.rootfs?.diff_ids;
  return Array.isArray(ids) ? ids.filter((d): d is string => typeof d === "string") : [];
}
