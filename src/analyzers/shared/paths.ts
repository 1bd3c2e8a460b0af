// Path rules shared by analyzers (the one sanctioned cross-analyzer import).

const SKIP_SEGMENTS = new Set(["node_modules", ".git", ".hg", ".svn"]);
const FIXTURE_DIRS = /(^|\/)(testdata|test-fixtures|__fixtures__|fixtures|test\/fixtures|tests\/fixtures)\//;

/** Basename of a relative path. */
export function baseName(path: string): string {
  const i = path.lastIndexOf("/");
  return i === -1 ? path : path.slice(i + 1);
}

/**
 * Where lockfiles and manifests are looked for: anywhere except inside node_modules, VCS
 * metadata and vendored test fixtures (other projects' lockfiles are not this project's deps).
 */
export function lockfileDiscoverable(path: string): boolean {
  for (const seg of path.split("/")) if (SKIP_SEGMENTS.has(seg)) return false;
  return !FIXTURE_DIRS.test(path);
}
