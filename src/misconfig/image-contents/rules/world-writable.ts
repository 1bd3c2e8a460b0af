import type { ContentsHit, ContentsRule } from "./util.js";
import { capped, layerName } from "./util.js";

export const worldWritable: ContentsRule = {
  id: "BW-IMG-011",
  title: "World-writable file or directory",
  severity: "MEDIUM",
  remediation: "Drop the other-write bit (`chmod o-w`), or give directories the sticky bit (`chmod +t`) as /tmp has; make the application's own user own what it writes.",
  references: { cis: "CIS Distribution Independent Linux 6.1.10", urls: ["https://www.cisecurity.org/benchmark/distribution_independent_linux"] },
  check(doc) {
    const hits: ContentsHit[] = [];
    for (const [path, { entry, layer }] of doc.live) {
      if (!entry.special?.includes("world-writable")) continue;
      const what = entry.type === "dir" ? "directory without the sticky bit" : "file";
      const hit: ContentsHit = {
        message: `/${path} is a world-writable ${what} (mode ${(entry.mode & 0o7777).toString(8).padStart(4, "0")}), added in ${layerName(doc, layer)}`,
        path: "/" + path,
        layer,
      };
      // Anyone can replace a world-writable program that others run.
      if (entry.type !== "dir" && entry.mode & 0o111) hit.severity = "HIGH";
      hits.push(hit);
    }
    return capped(hits, 100, doc, "world-writable paths");
  },
  examples: {
    good: ["drwxrwxrwt 0 tmp", "-rw-r--r-- 10 app/config.yml", "lrwxrwxrwx 0 usr/bin/sh -> dash"],
    bad: ["drwxrwxrwx 0 app/uploads", "-rw-rw-rw- 10 app/config.yml", "-rwxrwxrwx 10 usr/local/bin/start"],
  },
};
