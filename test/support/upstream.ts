// Real data from other projects, copied into the repository for the tests: test/fixtures/<source>/
// keeps each source's upstream paths and has a SOURCE.txt (project, commit, license, files taken);
// schemas/ holds the official CycloneDX, SPDX and SARIF JSON schemas. Tests never read anything
// outside the repository.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest folder above this file with a package.json (works from dist/ too). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

export const REPO_ROOT = findRoot();
export const FIXTURES_DIR = join(REPO_ROOT, "test", "fixtures");
export const SCHEMAS_DIR = join(REPO_ROOT, "schemas");

/** Absolute path of a file or folder under test/fixtures (`<source>/<upstream path>`). */
export function fixturePath(rel: string): string {
  return join(FIXTURES_DIR, rel);
}

/** Absolute path of a file under schemas/ (`cyclonedx-1.6/bom-1.6.schema.json`, …). */
export function schemaPath(rel: string): string {
  return join(SCHEMAS_DIR, rel);
}
