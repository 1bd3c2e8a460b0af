// Licenses from usr/share/doc/<pkg>/copyright: DEP-5 `License:` fields, and the
// /usr/share/common-licenses/<NAME> references that free-form copyright files use.

const DOC = "usr/share/doc/";
const MAX_LICENSES = 50;

/** The package a copyright file belongs to, or null if the path is not one. */
export function copyrightOwner(path: string): string | null {
  if (!path.startsWith(DOC) || !path.endsWith("/copyright")) return null;
  const name = path.slice(DOC.length, -"/copyright".length);
  return name && !name.includes("/") ? name : null;
}

// A short licence name: `GPL-2+`, `LGPL-2.1`, `BSD-3-clause`, `public-domain`, `Expat`.
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9.+_~-]*$/;

export function parseCopyright(text: string): string[] {
  const found = new Set<string>();
  const add = (s: string): void => {
    const t = s.trim().replace(/[.,;'’`"]+$/, "");
    if (TOKEN.test(t) && t.length <= 64 && found.size < MAX_LICENSES) found.add(t);
  };
  for (const m of text.matchAll(/^License:[ \t]*(.*)$/gm)) {
    const value = m[1]!.trim();
    if (!value) continue;
    // `MPL-1.1 or GPL-2 or LGPL-2.1`, `GPL-2+ with OpenSSL exception`: keep the licence names only.
    const parts = value.split(/\s+(?:or|and|,)\s+|\s*,\s*/i).map((p) => p.replace(/\s+with\s+.*$/i, ""));
    if (parts.every((p) => TOKEN.test(p.trim()))) parts.forEach(add);
  }
  for (const m of text.matchAll(/\/usr\/share\/common-licenses\/([A-Za-z0-9.+_-]+)/g)) add(m[1]!);
  return [...found].sort();
}
