// Realistic reports for the writer tests. Digests are sha256 of fixed labels: well formed and
// stable, not those of real images.
import { createHash } from "node:crypto";
import { PackageURL } from "packageurl-js";
import type { LayerInfo, Location, Package, Report } from "../../model/index.js";

const sha256 = (label: string) => `sha256:${createHash("sha256").update(label).digest("hex")}`;

function layer(image: string, n: number, createdBy: string): LayerInfo {
  return {
    digest: sha256(`${image} layer ${n} blob`),
    diffId: sha256(`${image} layer ${n} tar`),
    createdBy,
    size: 1000 * n,
    mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
  };
}

function at(path: string, l: LayerInfo): Location {
  return { path, layer: { digest: l.digest, diffId: l.diffId, ...(l.createdBy ? { createdBy: l.createdBy } : {}) } };
}

interface PackageInput {
  name: string;
  version: string;
  source?: [string, string];
  licenses?: string[];
  arch?: string;
  locations: Location[];
  files?: string[];
  metadata?: Record<string, string>;
}

function deb(p: PackageInput): Package {
  const arch = p.arch ?? "amd64";
  return {
    type: "deb",
    name: p.name,
    version: p.version,
    purl: new PackageURL("deb", "debian", p.name, p.version, { arch, distro: "debian-12" }).toString(),
    arch,
    source: p.source ? { name: p.source[0], version: p.source[1] } : null,
    licenses: p.licenses ?? [],
    locations: p.locations,
    ...(p.files ? { files: p.files } : {}),
    ...(p.metadata ? { metadata: p.metadata } : {}),
  };
}

function npm(name: string, version: string, license: string, locations: Location[]): Package {
  const [scope, bare] = name.startsWith("@") ? name.split("/") : [undefined, name];
  return {
    type: "npm",
    name,
    version,
    purl: new PackageURL("npm", scope, bare as string, version, undefined, undefined).toString(),
    source: null,
    licenses: [license],
    locations,
  };
}

function apk(name: string, version: string, origin: string, license: string, locations: Location[]): Package {
  return {
    type: "apk",
    name,
    version,
    purl: new PackageURL("apk", "alpine", name, version, { arch: "x86_64", distro: "3.16.9" }).toString(),
    arch: "x86_64",
    source: { name: origin, version },
    licenses: [license],
    locations,
  };
}

/** debian:12 with apt-installed Node.js and an npm app on top: three layers, deb and npm. */
export function debianReport(): Report {
  const base = layer("debian", 1, "# debian.sh --arch 'amd64' out/ 'bookworm' '@1717977600'");
  const apt = layer("debian", 2, "RUN /bin/sh -c apt-get update && apt-get install -y nodejs npm # buildkit");
  const app = layer("debian", 3, "COPY . /app # buildkit");
  const status = (l: LayerInfo) => at("/var/lib/dpkg/status", l);
  return {
    schemaVersion: 1,
    tool: { name: "bulwark", version: "0.1.0" },
    artifact: {
      target: "registry.example.com/team/web-app:1.4.2",
      type: "registry",
      digest: sha256("debian manifest"),
      names: ["registry.example.com/team/web-app:1.4.2"],
      platform: "linux/amd64",
      // Docker writes nanoseconds; SPDX must drop them.
      created: "2024-06-11T19:20:31.123456789Z",
      os: {
        family: "debian",
        version: "12",
        name: "Debian GNU/Linux",
        codename: "bookworm",
        prettyName: "Debian GNU/Linux 12 (bookworm)",
        eol: { date: "2026-06-10", eol: false },
      },
      layers: [base, apt, app],
    },
    packages: [
      deb({ name: "base-files", version: "12.4+deb12u6", locations: [status(base)] }),
      deb({
        name: "libc6",
        version: "2.36-9+deb12u7",
        source: ["glibc", "2.36-9+deb12u7"],
        licenses: ["GPL-2.0-or-later", "LGPL-2.1-or-later"],
        locations: [status(base)],
        files: ["/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/ld.so.conf.d/x86_64-linux-gnu.conf"],
        metadata: { maintainer: "GNU Libc Maintainers <debian-glibc@lists.debian.org>", installedSize: "12988" },
      }),
      deb({
        name: "zlib1g",
        version: "1:1.2.13.dfsg-1",
        source: ["zlib", "1:1.2.13.dfsg-1"],
        licenses: ["Zlib"],
        locations: [status(base)],
      }),
      deb({
        name: "libgcc-s1",
        version: "12.2.0-14",
        source: ["gcc-12", "12.2.0-14"],
        licenses: ["GPL-3.0-or-later WITH GCC-exception-3.1"],
        locations: [status(base)],
      }),
      deb({
        name: "perl-base",
        version: "5.36.0-7+deb12u1",
        source: ["perl", "5.36.0-7+deb12u1"],
        // Debian copyright-file names, not SPDX ids.
        licenses: ["Artistic", "GPL-1+"],
        locations: [status(base)],
      }),
      deb({
        name: "tzdata",
        version: "2024a-0+deb12u1",
        arch: "all",
        licenses: ["public-domain"],
        locations: [status(base)],
      }),
      deb({
        name: "libssl3",
        version: "3.0.13-1~deb12u1",
        source: ["openssl", "3.0.13-1~deb12u1"],
        licenses: ["Apache-2.0"],
        locations: [status(apt)],
      }),
      deb({
        name: "ca-certificates",
        version: "20230311",
        arch: "all",
        licenses: ["GPL-2.0-or-later AND MPL-2.0"],
        locations: [status(apt)],
      }),
      deb({
        name: "nodejs",
        version: "18.19.0+dfsg-6~deb12u2",
        source: ["nodejs", "18.19.0+dfsg-6~deb12u2"],
        licenses: ["Expat", "MIT"],
        locations: [status(apt)],
      }),
      // The same module twice: one bundled with npm, one in the app. Same purl.
      npm("lodash", "4.17.21", "MIT", [at("/usr/share/nodejs/npm/node_modules/lodash/package.json", apt)]),
      npm("lodash", "4.17.21", "MIT", [at("/app/node_modules/lodash/package.json", app)]),
      npm("@babel/core", "7.24.7", "MIT", [at("/app/node_modules/@babel/core/package.json", app)]),
      npm("type-fest", "0.20.2", "(MIT OR CC0-1.0)", [at("/app/node_modules/type-fest/package.json", app)]),
    ],
    vulnerabilities: [],
    secrets: [],
    misconfigurations: [],
    errors: [
      {
        source: "lang/npm",
        message: "package.json is not valid JSON",
        path: "/app/node_modules/broken/package.json",
        layer: app.diffId,
      },
    ],
  };
}

/** alpine:3.16, past end of life, one layer. */
export function alpineReport(): Report {
  const base = layer("alpine", 1, "ADD file:4ab3fd6b7b0e6d2b8d5f7a5c9c8bf0e3 in / ");
  const db = [at("/lib/apk/db/installed", base)];
  return {
    schemaVersion: 1,
    tool: { name: "bulwark", version: "0.1.0" },
    artifact: {
      target: "alpine:3.16",
      type: "registry",
      digest: sha256("alpine manifest"),
      platform: "linux/amd64",
      created: "2024-01-27T00:41:06Z",
      os: { family: "alpine", version: "3.16.9", prettyName: "Alpine Linux v3.16", eol: { date: "2024-05-23", eol: true } },
      layers: [base],
    },
    packages: [
      apk("musl", "1.2.3-r3", "musl", "MIT", db),
      apk("busybox", "1.35.0-r18", "busybox", "GPL-2.0-only", db),
      apk("alpine-baselayout", "3.2.0-r23", "alpine-baselayout", "GPL-2.0-only", db),
      apk("ca-certificates-bundle", "20240226-r0", "ca-certificates", "MPL-2.0 AND MIT", db),
      apk("libcrypto3", "3.0.13-r0", "openssl", "Apache-2.0", db),
      apk("zlib", "1.2.13-r0", "zlib", "Zlib", db),
      apk("apk-tools", "2.12.10-r1", "apk-tools", "GPL-2.0-only", db),
    ],
    vulnerabilities: [],
    secrets: [],
    misconfigurations: [],
    errors: [],
  };
}

/** A scratch image from an OCI layout: no OS, no packages, no digest. */
export function emptyReport(): Report {
  return {
    schemaVersion: 1,
    tool: { name: "bulwark", version: "0.1.0" },
    artifact: {
      target: "./build/static-app",
      type: "oci",
      os: null,
      layers: [layer("scratch", 1, "COPY server /server # buildkit")],
    },
    packages: [],
    vulnerabilities: [],
    secrets: [],
    misconfigurations: [],
    errors: [],
  };
}

/** The Debian image with `count` extra packages, for the speed check. */
export function largeReport(count: number): Report {
  const report = debianReport();
  const layers = report.artifact.layers;
  for (let i = 0; i < count; i++) {
    const l = layers[i % layers.length] as LayerInfo;
    report.packages.push(
      i % 2 === 0
        ? deb({ name: `lib-synthetic${i}`, version: `1.${i}-1`, source: [`synthetic${i}`, `1.${i}-1`], licenses: ["MIT"], locations: [at("/var/lib/dpkg/status", l)] })
        : npm(`synthetic-module-${i}`, `2.0.${i}`, i % 3 === 0 ? "ISC" : "custom license", [at(`/app/node_modules/synthetic-module-${i}/package.json`, l)]),
    );
  }
  return report;
}

/** Same report with packages, locations and errors in another (seeded, repeatable) order. */
export function shuffled(report: Report, seed = 7): Report {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const shuffle = <T>(items: T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  const copy = structuredClone(report);
  copy.packages = shuffle(copy.packages).map((p) => ({ ...p, locations: shuffle(p.locations), licenses: shuffle(p.licenses) }));
  copy.errors = shuffle(copy.errors);
  return copy;
}
