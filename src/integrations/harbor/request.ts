// Harbor's ScanRequest (POST /api/v1/scan) checked and turned into what a scan needs: an image
// reference by digest and the registry credentials Harbor lends for this one pull.
import type { HarborArtifact } from "./report.js";

export class HarborRequestError extends Error {
  constructor(readonly status: 400 | 422 | 501, message: string) {
    super(message);
  }
}

export interface HarborScanTarget {
  /** host[:port]/repository@sha256:… */
  image: string;
  registryHost: string;
  /** The registry URL is plain http: (Harbor behind an internal address). */
  plainHttp: boolean;
  /** From `Authorization: Basic …`; never logged or stored with the scan. */
  username?: string;
  password?: string;
  artifact: HarborArtifact;
  /** What Harbor asked for (enabled_capabilities); both when absent. */
  capabilities: ("vulnerability" | "sbom")[];
}

// Distribution's repository name grammar (path components of lower-case alphanumerics and
// separators), with its 255-character limit.
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
const TAG = /^[\w][\w.-]{0,127}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function optionalString(o: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new HarborRequestError(400, `${where}.${key} must be a string`);
  return v;
}

/** Validates a parsed ScanRequest body. Throws HarborRequestError (400 wrong types, 422 bad values). */
export function parseHarborScanRequest(body: unknown): HarborScanTarget {
  if (!isObject(body)) throw new HarborRequestError(400, "the scan request must be a JSON object");
  const registry = body["registry"];
  const artifact = body["artifact"];
  if (!isObject(registry)) throw new HarborRequestError(400, "registry must be an object");
  if (!isObject(artifact)) throw new HarborRequestError(400, "artifact must be an object");

  const urlText = optionalString(registry, "url", "registry");
  if (!urlText) throw new HarborRequestError(422, "registry.url is required");
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new HarborRequestError(422, "registry.url is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new HarborRequestError(422, "registry.url must be http or https");
  if (url.username || url.password) throw new HarborRequestError(422, "registry.url must not carry credentials; use registry.authorization");
  if (url.pathname !== "/" && url.pathname !== "" ) throw new HarborRequestError(422, "registry.url must be the registry's base URL (no path)");

  const repository = optionalString(artifact, "repository", "artifact");
  const digest = optionalString(artifact, "digest", "artifact");
  const tag = optionalString(artifact, "tag", "artifact");
  const mimeType = optionalString(artifact, "mime_type", "artifact");
  if (!repository || repository.length > 255 || !REPOSITORY.test(repository)) throw new HarborRequestError(422, "artifact.repository is missing or not a valid repository name");
  if (!digest || !DIGEST.test(digest)) throw new HarborRequestError(422, "artifact.digest is missing or not a sha256/sha512 digest");
  if (tag !== undefined && !TAG.test(tag)) throw new HarborRequestError(422, "artifact.tag is not a valid tag");

  const target: HarborScanTarget = {
    image: `${url.host}/${repository}@${digest}`,
    registryHost: url.host,
    plainHttp: url.protocol === "http:",
    artifact: { repository, digest, ...(tag ? { tag } : {}), ...(mimeType ? { mime_type: mimeType } : {}) },
    capabilities: ["vulnerability", "sbom"],
  };

  const authorization = optionalString(registry, "authorization", "registry");
  if (authorization) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
    if (!m) throw new HarborRequestError(422, "registry.authorization must be a Basic credential (robot account); other schemes are not supported");
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new HarborRequestError(422, "registry.authorization does not decode to user:password");
    target.username = decoded.slice(0, colon);
    target.password = decoded.slice(colon + 1);
  }

  const enabled = body["enabled_capabilities"];
  if (enabled !== undefined && enabled !== null) {
    if (!Array.isArray(enabled)) throw new HarborRequestError(400, "enabled_capabilities must be an array");
    const kinds = new Set<"vulnerability" | "sbom">();
    for (const c of enabled) {
      if (!isObject(c) || typeof c["type"] !== "string") throw new HarborRequestError(400, "enabled_capabilities items need a type");
      if (c["type"] !== "vulnerability" && c["type"] !== "sbom") throw new HarborRequestError(501, `capability ${JSON.stringify(c["type"]).slice(0, 40)} is not supported`);
      kinds.add(c["type"]);
    }
    if (kinds.size) target.capabilities = [...kinds];
  }
  return target;
}
