// dpkg's info/<package>.list files: one installed path per line.

/** `var/lib/dpkg/info/zlib1g:amd64.list` → `zlib1g:amd64`. */
export function ownerFromListPath(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.slice(0, -".list".length);
}

/** The listed paths, minus `/.` (the root every list starts with). */
export function parseList(text: string): string[] {
  const files: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "" || line === "/.") continue;
    files.push(line);
  }
  return files;
}
