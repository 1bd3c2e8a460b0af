// Trusted roots in the Sigstore format (application/vnd.dev.sigstore.trustedroot+json): the
// Fulcio CAs, Rekor logs, CT logs and timestamp authorities a bundle is checked against.
//
// Default: the public-good root that @sigstore/tuf ships in its seeds.json (the TUF repository's
// trusted_root.json target, as of that package release). It is imported at build time, so the
// one-file CLI bundle carries it and verification never needs the network. `refreshTrustedRoot`
// fetches a current one through TUF (signed metadata, rooted in the same seeds) on request only.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import seeds from "@sigstore/tuf/seeds.json" with { type: "json" };
import { UserError } from "../../errors.js";
import { VerificationError } from "./errors.js";

export type { TrustedRoot } from "@sigstore/protobuf-specs";

export const PUBLIC_GOOD_TUF_URL = "https://tuf-repo-cdn.sigstore.dev";
const TRUSTED_ROOT_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot(\.v0\.\d+)?\+json(;version=0\.\d+)?$/;
/** Trusted roots are a few tens of KB; refuse anything absurd before parsing it. */
export const MAX_TRUSTED_ROOT_BYTES = 8 * 1024 * 1024;

export interface TrustedRootInfo {
  root: TrustedRoot;
  /** "bundled" (from @sigstore/tuf's seeds), "tuf-cache" (last --tuf-refresh) or the file path. */
  source: string;
}

/** The trusted_root.json text bundled with Bulwark (from @sigstore/tuf's seeds). */
export function bundledTrustedRootJson(): string {
  const repo = (seeds as Record<string, { targets?: Record<string, string> }>)[PUBLIC_GOOD_TUF_URL];
  const b64 = repo?.targets?.["trusted_root.json"];
  if (!b64) throw new VerificationError("TRUST_ROOT", "the bundled Sigstore trusted root is missing from @sigstore/tuf's seeds");
  return Buffer.from(b64, "base64").toString("utf8");
}

/** Where `refreshTrustedRoot` keeps the TUF metadata and the last verified trusted root. */
export function sigstoreCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(base, "bulwark", "sigstore");
}

/** Parses and checks a trusted root document (JSON text or parsed object). */
export function parseTrustedRoot(json: unknown, source: string): TrustedRoot {
  let doc = json;
  if (typeof json === "string" || Buffer.isBuffer(json)) {
    try {
      doc = JSON.parse(json.toString());
    } catch (e) {
      throw new UserError("INPUT", `${source}: not JSON (${(e as Error).message})`);
    }
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new UserError("INPUT", `${source}: not a Sigstore trusted root (expected a JSON object)`);
  const mediaType = (doc as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== "string" || !TRUSTED_ROOT_MEDIA_TYPE.test(mediaType)) {
    throw new UserError("INPUT", `${source}: not a Sigstore trusted root (mediaType ${JSON.stringify(mediaType ?? null)})`);
  }
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(doc);
  } catch (e) {
    throw new UserError("INPUT", `${source}: malformed trusted root (${(e as Error).message})`);
  }
  if (root.tlogs.length + root.certificateAuthorities.length + root.timestampAuthorities.length === 0) {
    throw new UserError("INPUT", `${source}: trusted root lists no transparency logs, certificate authorities or timestamp authorities`);
  }
  return root;
}

/**
 * Loads a trusted root: from `file` when given; else the root saved by the last
 * `refreshTrustedRoot` (if any, under `cacheDir`); else the public-good root bundled with Bulwark.
 * Never touches the network.
 */
export async function loadTrustedRoot(file?: string, opts: { cacheDir?: string } = {}): Promise<TrustedRootInfo> {
  if (file !== undefined) return { root: parseTrustedRoot((await readCapped(file, false))!, file), source: file };
  const cached = join(opts.cacheDir ?? sigstoreCacheDir(), "trusted_root.json");
  const text = await readCapped(cached, true);
  if (text !== undefined) return { root: parseTrustedRoot(text, cached), source: "tuf-cache" };
  return { root: parseTrustedRoot(bundledTrustedRootJson(), "bundled trusted root"), source: "bundled" };
}

/**
 * Online: updates the TUF metadata from `mirrorURL` (verifying it from the root in
 * @sigstore/tuf's seeds or the cached one), fetches the trusted_root.json target, and saves it
 * where `loadTrustedRoot` looks first. Only called when the user asks (`--tuf-refresh`).
 */
export async function refreshTrustedRoot(opts: { cacheDir?: string; mirrorURL?: string; rootPath?: string; timeoutMs?: number } = {}): Promise<TrustedRootInfo> {
  const dir = opts.cacheDir ?? sigstoreCacheDir();
  const { getTrustedRoot } = await import("@sigstore/tuf");
  let root: TrustedRoot;
  try {
    root = await getTrustedRoot({
      cachePath: join(dir, "tuf"),
      mirrorURL: opts.mirrorURL ?? PUBLIC_GOOD_TUF_URL,
      // A mirror other than the public-good one needs its initial TUF root.json.
      ...(opts.rootPath ? { rootPath: opts.rootPath } : {}),
      timeout: opts.timeoutMs ?? 10_000,
      retry: { retries: 1 },
    });
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    const why = cause instanceof Error && cause.message && cause.message !== (e as Error).message ? `: ${cause.message}` : "";
    throw new UserError("NETWORK", `TUF refresh of the Sigstore trusted root from ${opts.mirrorURL ?? PUBLIC_GOOD_TUF_URL} failed: ${(e as Error).message}${why}`);
  }
  const file = join(dir, "trusted_root.json");
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(TrustedRoot.toJSON(root), null, 2) + "\n");
  await rename(tmp, file);
  return { root, source: "tuf-refresh" };
}

async function readCapped(file: string, optional: boolean): Promise<string | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT" && optional) return undefined;
    if (err.code === "ENOENT") throw new UserError("NOT_FOUND", `${file}: no such file`);
    throw new UserError("INPUT", `${file}: ${err.message}`);
  }
  if (buf.length > MAX_TRUSTED_ROOT_BYTES) throw new UserError("LIMIT", `${file}: trusted root larger than ${MAX_TRUSTED_ROOT_BYTES} bytes`);
  return buf.toString("utf8");
}
