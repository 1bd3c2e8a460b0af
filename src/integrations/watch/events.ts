// Push events from registries: Distribution's notifications (the registry's `notifications:`
// config posts an envelope of events) and Harbor's webhooks (PUSH_ARTIFACT). Both become the
// (repository, digest, tag) to scan; the registry host comes from the watch, never from the
// payload, so an event cannot point the server at another host.

export interface PushedImage {
  repository: string;
  digest: string;
  tag?: string;
}

/** Media types that name an image (or an index of images), as opposed to blobs. */
export const MANIFEST_TYPES = new Set([
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
]);

/** Distribution's envelope media type (what the registry sends as Content-Type). */
export const DISTRIBUTION_EVENTS_TYPE = "application/vnd.docker.distribution.events.v1+json";
/** Events per request we look at; a registry batches a few at most. */
const MAX_EVENTS = 1000;

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function image(repository: unknown, digest: unknown, tag: unknown): PushedImage | undefined {
  const r = str(repository);
  const d = str(digest);
  const t = str(tag);
  if (!r || r.length > 255 || !REPOSITORY.test(r) || !d || !DIGEST.test(d)) return undefined;
  return { repository: r, digest: d, ...(t && TAG.test(t) ? { tag: t } : {}) };
}

export type EventSource = "distribution" | "harbor";

export interface ParsedEvents {
  source: EventSource;
  images: PushedImage[];
  /** Events seen but not scans (pulls, blob pushes, deletes, malformed). */
  ignored: number;
}

/** Reads either payload; undefined when the body is neither. */
export function parsePushEvents(body: unknown): ParsedEvents | undefined {
  if (!isObject(body)) return undefined;
  if (Array.isArray(body["events"])) {
    const out: ParsedEvents = { source: "distribution", images: [], ignored: 0 };
    for (const e of body["events"].slice(0, MAX_EVENTS)) {
      const target = isObject(e) && isObject(e["target"]) ? e["target"] : undefined;
      const img = target && e["action"] === "push" && MANIFEST_TYPES.has(str(target["mediaType"]) ?? "") ? image(target["repository"], target["digest"], target["tag"]) : undefined;
      if (img) out.images.push(img);
      else out.ignored++;
    }
    return dedupe(out);
  }
  if (typeof body["type"] === "string" && isObject(body["event_data"])) {
    const out: ParsedEvents = { source: "harbor", images: [], ignored: 0 };
    const data = body["event_data"];
    const repo = isObject(data["repository"]) ? str(data["repository"]["repo_full_name"]) : undefined;
    const resources = Array.isArray(data["resources"]) ? data["resources"].slice(0, MAX_EVENTS) : [];
    for (const r of resources) {
      const img = body["type"] === "PUSH_ARTIFACT" && isObject(r) ? image(repo, r["digest"], r["tag"]) : undefined;
      if (img) out.images.push(img);
      else out.ignored++;
    }
    return dedupe(out);
  }
  return undefined;
}

/** One scan per digest and repository (a push of several tags of one manifest gives several events). */
function dedupe(p: ParsedEvents): ParsedEvents {
  const seen = new Map<string, PushedImage>();
  for (const i of p.images) {
    const key = `${i.repository}@${i.digest}`;
    if (!seen.has(key)) seen.set(key, i);
    else p.ignored++;
  }
  p.images = [...seen.values()];
  return p;
}
