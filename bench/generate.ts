// Builds the benchmark image once: an OCI layout under .bench-cache/ with several gzip layers
// (≥ 400 MB uncompressed, thousands of files, ≥ 1,000 dpkg packages with file lists).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildImage, writeOciLayout, type EntrySpec } from "../test/support/image-builder.js";
import { rng } from "./rng.js";

const GENERATOR_VERSION = "1";

const WORDS = "lib usr share doc init config main module value error return static const function struct int char void include define if else for while switch case break default".split(" ");

/** File bodies that compress about like real binaries and text (≈ 3:1 under gzip -6). */
function body(rand: () => number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let i = 0;
  while (i < size) {
    if (rand() < 0.35) {
      const n = Math.min(size - i, 64 + Math.floor(rand() * 512));
      for (let k = 0; k < n; k++) b[i + k] = Math.floor(rand() * 256);
      i += n;
    } else {
      const w = WORDS[Math.floor(rand() * WORDS.length)]! + (rand() < 0.2 ? "\n" : " ");
      i += b.write(w, i, "latin1");
    }
  }
  return b;
}

function pkgName(i: number): string {
  return `libbench${i}-${["dev", "common", "bin", "data"][i % 4]}`;
}

function status(count: number, versionBump: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = `${1 + (i % 7)}.${i % 13}.${i % 5}-${1 + (i % 3) + (i < versionBump ? 1 : 0)}+deb12u${i % 4}`;
    out.push(
      `Package: ${pkgName(i)}\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: ${100 + i}\n` +
        `Maintainer: Bench Maintainers <bench@example.org>\nArchitecture: amd64\nMulti-Arch: same\n` +
        `Source: bench-src${Math.floor(i / 3)} (${v})\nVersion: ${i % 11 === 0 ? "1:" : ""}${v}\n` +
        `Depends: libc6 (>= 2.34)\nDescription: synthetic package ${i}\n A package for benchmarks.\n`,
    );
  }
  return out.join("\n");
}

export interface BenchImage {
  dir: string;
  layerBlobs: string[];
  uncompressedBytes: number;
  files: number;
  packages: number;
}

export async function ensureBenchImage(root: string): Promise<BenchImage> {
  const dir = join(root, "image");
  const meta = join(root, "image.json");
  if (existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, "utf8")) as BenchImage & { version: string };
    if (m.version === GENERATOR_VERSION && existsSync(join(dir, "index.json"))) return m;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rand = rng(42);
  const LAYERS = 5;
  const PKGS = 1200;
  const TARGET_PER_LAYER = 90 * 2 ** 20;
  let files = 0;
  const layers = [];
  for (let l = 0; l < LAYERS; l++) {
    process.stderr.write(`bench: generating layer ${l + 1}/${LAYERS}\n`);
    const entries: EntrySpec[] = [];
    if (l === 0) {
      entries.push({ path: "etc/os-release", content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n' });
      for (let i = 0; i < PKGS; i++) {
        const list = ["/.", `/usr/lib/x86_64-linux-gnu/${pkgName(i)}.so.1`, `/usr/share/doc/${pkgName(i)}/copyright`, `/usr/share/doc/${pkgName(i)}/changelog.Debian.gz`].join("\n");
        entries.push({ path: `var/lib/dpkg/info/${pkgName(i)}:amd64.list`, content: list + "\n" });
      }
    }
    // Each later layer rewrites the dpkg database, as `apt-get install` does.
    entries.push({ path: "var/lib/dpkg/status", content: status(PKGS - (LAYERS - 1 - l) * 50, l * 100) });
    let bytes = 0;
    let f = 0;
    while (bytes < TARGET_PER_LAYER) {
      const size = Math.floor(Math.exp(Math.log(512) + rand() * (Math.log(4 * 2 ** 20) - Math.log(512))));
      entries.push({ path: `opt/app${l}/dir${f % 40}/file${f}.bin`, content: body(rand, size) });
      bytes += size;
      f++;
    }
    files += entries.length;
    layers.push({ entries, createdBy: `RUN /bin/sh -c build-step-${l}`, compression: "gzip" as const });
  }
  const img = await buildImage({ layers, tags: ["bench"] });
  writeOciLayout(dir, [img]);
  const result: BenchImage = {
    dir,
    layerBlobs: img.layers.map((x) => join(dir, "blobs", "sha256", x.digest.slice(7))),
    uncompressedBytes: img.layers.reduce((s, x) => s + x.tarBytes.length, 0),
    files,
    packages: PKGS,
  };
  writeFileSync(meta, JSON.stringify({ ...result, version: GENERATOR_VERSION }));
  return result;
}
