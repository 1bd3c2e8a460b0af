// Image paths are relative to the root, with no leading slash.

/** True when `path` is `dir` itself or lies below it ("" is the root). */
export function isUnder(path: string, dir: string): boolean {
  if (dir === "") return true;
  return path === dir || (path.startsWith(dir) && path.charCodeAt(dir.length) === 47);
}
