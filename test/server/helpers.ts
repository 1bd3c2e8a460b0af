// Shared pieces of the server tests: OSV records, images, an HTTP client with tokens.
import { BASE_PKGS, DEBIAN_OS_RELEASE, dpkgStatus, type DebPkg } from "../support/fixtures.js";
import type { ImageSpec } from "../support/image-builder.js";

export function osv(id: string, name: string, fixed: string, opts: { modified?: string; vector?: string; aliases?: string[] } = {}): string {
  return JSON.stringify({
    schema_version: "1.6.0",
    id,
    modified: opts.modified ?? "2026-01-01T00:00:00Z",
    published: "2026-01-01T00:00:00Z",
    ...(opts.aliases ? { aliases: opts.aliases } : {}),
    summary: `${name} test advisory`,
    affected: [{ package: { ecosystem: "Debian:12", name }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }] }],
    severity: [{ type: "CVSS_V3", score: opts.vector ?? "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
  });
}

export function debianSpec(name: string, extra: DebPkg[] = []): ImageSpec {
  return {
    created: "2025-01-01T00:00:00Z",
    layers: [
      { createdBy: "ADD rootfs /", entries: [{ path: "etc/os-release", content: DEBIAN_OS_RELEASE }, { path: "var/lib/dpkg/status", content: dpkgStatus(BASE_PKGS) }] },
      { createdBy: `RUN install ${name}`, entries: [{ path: "var/lib/dpkg/status", content: dpkgStatus([...BASE_PKGS, ...extra]) }, { path: `srv/${name}.txt`, content: `${name}\n` }] },
    ],
  };
}

export interface Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
  (method: string, path: string, opts?: { token?: string | null; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> }): Promise<{ status: number; body: any; text: string; type: string }>;
}

export function client(base: string, defaultToken: string): Client {
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? defaultToken : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
    const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, type: res.headers.get("content-type") ?? "" };
  };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
