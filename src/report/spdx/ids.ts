import { sha256Hex } from "../common/digest.js";

/** Characters allowed in SPDXIDs and LicenseRef idstrings: `[A-Za-z0-9.-]`. */
export function idString(text: string, maxLength = 64): string {
  return text
    // Keep "GPL-2+" and "libstdc++6" recognisable rather than folding "+" into a dash.
    .replace(/\+/g, "plus")
    .replace(/[^A-Za-z0-9.-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
}

export function shortHash(text: string): string {
  return sha256Hex(text).slice(0, 8);
}

/** `SPDXRef-Package-<type>-<name>-<hash>`; the hash tells apart same-named packages. */
export function packageSpdxId(type: string, name: string, key: string): string {
  const parts = [idString(type, 16), idString(name), shortHash(key)].filter(Boolean);
  return `SPDXRef-Package-${parts.join("-")}`;
}
