import type { ContentsHit, ContentsRule } from "./util.js";
import { capped, layerName, packageName } from "./util.js";
import { ownerOf } from "../surface.js";

export const setuidFiles: ContentsRule = {
  id: "BW-IMG-010",
  title: "Setuid or setgid file",
  severity: "LOW",
  remediation: "Remove the bits the container does not need, in the layer that installs the file: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.",
  references: { cis: "CIS Docker 4.8", dockle: "CIS-DI-0008" },
  check(doc) {
    const hits: ContentsHit[] = [];
    for (const [path, { entry, layer }] of doc.live) {
      const bits = (entry.special ?? []).filter((s) => s === "setuid" || s === "setgid");
      if (bits.length === 0) continue;
      const owner = ownerOf(doc.owners, path);
      // Bits a distribution package sets are expected; bits the image build added are not.
      const hit: ContentsHit = {
        message: `/${path} is ${bits.join(" and ")} (mode ${(entry.mode & 0o7777).toString(8).padStart(4, "0")}), ${owner ? `from package ${packageName(owner)}` : `not from any OS package`}, added in ${layerName(doc, layer)}`,
        path: "/" + path,
        layer,
      };
      if (!owner) hit.severity = "MEDIUM";
      if (entry.special?.includes("world-writable")) hit.severity = "HIGH";
      hits.push(hit);
    }
    return capped(hits, 100, doc, "setuid/setgid files");
  },
  examples: {
    good: ["-rwxr-xr-x 1000 usr/bin/passwd", "-rwsr-xr-x 1000 usr/bin/passwd\n---\n-rwxr-xr-x 1000 usr/bin/passwd"],
    bad: ["-rwsr-xr-x 1000 usr/bin/passwd", "-rwxr-sr-x 1000 usr/bin/wall", "-rwsr-xr-x 1000 usr/bin/su\n---\n-rw-r--r-- 5 app/x"],
  },
};
