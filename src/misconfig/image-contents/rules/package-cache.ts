import type { ContentsHit, ContentsRule } from "./util.js";
import { humanBytes } from "../../../common/bytes.js";
import { layerName } from "./util.js";

const FIX: Record<string, string> = {
  apt: "`rm -rf /var/lib/apt/lists/*` in the same RUN as `apt-get install`",
  apk: "`apk add --no-cache`",
  yum: "`yum clean all` in the same RUN",
  dnf: "`dnf clean all` in the same RUN",
  zypper: "`zypper clean -a` in the same RUN",
  pip: "`pip install --no-cache-dir`",
  npm: "`npm cache clean --force` in the same RUN, or a cache mount",
  yarn: "`yarn cache clean` in the same RUN, or a cache mount",
  pnpm: "a cache mount for the pnpm store",
  go: "a cache mount (`RUN --mount=type=cache,target=/root/.cache/go-build`) or a multi-stage build",
  maven: "a multi-stage build, or a cache mount for ~/.m2",
  gradle: "a multi-stage build, or a cache mount for ~/.gradle",
  composer: "`composer install --no-cache`",
  cargo: "a multi-stage build, or a cache mount for the cargo registry",
};

export const packageCache: ContentsRule = {
  id: "BW-IMG-017",
  title: "Package-manager cache left in the image",
  severity: "LOW",
  remediation: "Clean the cache in the same RUN that fills it (a later `rm` leaves the bytes in the lower layer), or use a BuildKit cache mount.",
  // No Hadolint reference: DL3009 judges Dockerfile text (apt-get update without removing the
  // lists), this rule the bytes an image ships (every package manager's cache, in any layer).
  references: { dockle: "DKL-DI-0005" },
  check(doc) {
    const hits: ContentsHit[] = [];
    for (const c of doc.caches) {
      if (c.bytes === 0) continue;
      const size = `${humanBytes(c.bytes)} in ${c.files} file${c.files === 1 ? "" : "s"}`;
      const message = c.deleted
        ? `The ${c.manager} cache in /${c.dir} (${size}) is removed by a later layer, but ${layerName(doc, c.layer)} still ships it; clean it in the same step with ${FIX[c.manager] ?? "the manager's clean command"}`
        : `The ${c.manager} cache in /${c.dir} (${size}, ${layerName(doc, c.layer)}) is in the final image; use ${FIX[c.manager] ?? "the manager's clean command"}`;
      hits.push({ message, path: "/" + c.dir, layer: c.layer });
    }
    return hits;
  },
  examples: {
    good: ["-rw-r--r-- 0 var/lib/apt/lists/lock", "-rw-r--r-- 0 var/lib/apt/lists/partial/x", "-rw-r--r-- 9000 usr/share/doc/apt/README"],
    bad: [
      "-rw-r--r-- 9000 var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease",
      "-rw-r--r-- 9000 var/cache/apk/APKINDEX.1.tar.gz",
      "-rw-r--r-- 70000 root/.cache/pip/http-v2/a/b/c\n---\nwh root/.cache",
      "-rw-r--r-- 500 root/.npm/_cacache/index-v5/aa/bb",
      "-rw-r--r-- 9000 var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease\n---\nwh var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease",
    ],
  },
};
