import { UserError } from "../errors.js";
import type { Platform } from "./types.js";

export const DEFAULT_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

/** Parses `os/arch[/variant]`. */
export function parsePlatform(s: string): Platform {
  const parts = s.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    throw new UserError("USAGE", `invalid platform "${s}": expected os/arch[/variant], e.g. linux/arm64/v8`);
  }
  const [os, architecture, variant] = parts as [string, string, string?];
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: { os?: string; architecture?: string; variant?: string }): string {
  return [p.os ?? "?", p.architecture ?? "?", ...(p.variant ? [p.variant] : [])].join("/");
}

// arm64 images usually omit the v8 variant; arm without variant means v7 in practice.
function normVariant(arch: string, variant: string | undefined): string | undefined {
  if (arch === "arm64" && (variant === undefined || variant === "v8")) return "v8";
  return variant;
}

export function platformMatches(want: Platform, have: { os?: string; architecture?: string; variant?: string } | undefined): boolean {
  if (!have) return false;
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  if (want.variant === undefined) return true;
  return normVariant(want.architecture, want.variant) === normVariant(have.architecture ?? "", have.variant);
}

export interface PlatformDescriptor {
  digest: string;
  mediaType?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** Picks the manifest for a platform out of an index; errors list what the index offers. */
export function selectPlatform<T extends PlatformDescriptor>(manifests: T[], want: Platform | undefined, what: string): T {
  // Attestation manifests (buildkit) carry platform unknown/unknown: never a candidate.
  const candidates = manifests.filter(
    (m) => m.platform?.os !== "unknown" && m.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest",
  );
  const target = want ?? DEFAULT_PLATFORM;
  const hit = candidates.find((m) => platformMatches(target, m.platform));
  if (hit) return hit;
  if (!want && candidates.length === 1) return candidates[0]!;
  const offered = candidates.map((m) => (m.platform ? formatPlatform(m.platform) : "unknown")).join(", ");
  throw new UserError("NOT_FOUND", `${what}: no image for platform ${formatPlatform(target)} (available: ${offered || "none"})`);
}
