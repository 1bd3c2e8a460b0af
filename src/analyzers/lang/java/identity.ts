// Who an archive is: its own pom.properties, else its manifest, else its file name.

export interface PomProperties {
  groupId: string;
  artifactId: string;
  version: string;
  /** Entry name inside the archive: META-INF/maven/<g>/<a>/pom.properties */
  entry: string;
}

export interface Identity {
  groupId: string;
  artifactId: string;
  version: string;
  from: "pom.properties" | "manifest" | "filename";
}

const ARCHIVE_EXT = /\.(jar|war|ear|jpi|hpi)$/i;
export const isJavaArchiveName = (name: string): boolean => ARCHIVE_EXT.test(name);

// A version segment that is a Maven qualifier, not the start of another name part
// (log4j-1.2-api-2.17.1: "api" is a name part, guava-31.1-jre: "jre" a qualifier).
const QUALIFIER = /^(rc|cr|m|a|b|alpha|beta|milestone|ga|final|release|snapshot|sp|jre|android|patch|pre|incubating)$/i;

/** `name-1.2.3.jar` → { artifact: "name", version: "1.2.3" }; no version → the whole stem. */
export function parseFileName(base: string): { artifact: string; version: string } {
  const stem = base.replace(ARCHIVE_EXT, "");
  const starts: number[] = [];
  for (let i = 1; i < stem.length - 1; i++) if (stem[i] === "-" && /\d/.test(stem[i + 1]!)) starts.push(i);
  for (const i of starts) {
    const rest = stem.slice(i + 1).split("-");
    // Reject a split that leaves a word-like part followed by another numeric part.
    const nameLike = rest.some((seg, k) => k > 0 && /^[A-Za-z][A-Za-z0-9_]*$/.test(seg) && !QUALIFIER.test(seg) && rest.slice(k + 1).some((s) => /^\d/.test(s)));
    if (!nameLike) return { artifact: stem.slice(0, i), version: stem.slice(i + 1) };
  }
  return { artifact: stem, version: "" };
}

/** pom.properties content; group/artifact fall back to the path segments. */
export function pomFromProperties(entry: string, props: Map<string, string>): PomProperties | null {
  const seg = entry.split("/");
  const groupId = props.get("groupId") || seg[2] || "";
  const artifactId = props.get("artifactId") || seg[3] || "";
  if (!artifactId) return null;
  return { groupId, artifactId, version: props.get("version") ?? "", entry };
}

/**
 * Which pom.properties is the archive's own: the only one, or the one whose artifactId best
 * matches the file name (or, failing that, the manifest version). Null when ambiguous.
 */
export function ownPom(poms: PomProperties[], base: string, manifest: Map<string, string>): PomProperties | null {
  if (poms.length === 0) return null;
  const { artifact: stem, version } = parseFileName(base);
  const scored = poms.map((p) => {
    const a = p.artifactId;
    let s = 0;
    if (stem === a || stem === `${p.groupId}.${a}` || stem === `${p.groupId}-${a}`) s = 4;
    else if (stem.startsWith(a + "-") || stem.endsWith("-" + a) || stem.endsWith("." + a)) s = 2;
    if (s > 0 && version && p.version === version) s += 1;
    return { p, s };
  });
  const best = Math.max(...scored.map((x) => x.s));
  // A lone pom.properties is the archive's own unless the file's name-version says otherwise
  // (a jar shading a single dependency: opentelemetry-sdk-trace-1.44.1.jar holds jctools').
  if (poms.length === 1 && (best > 0 || !version || poms[0]!.version === version)) return poms[0]!;
  if (best > 0) {
    const top = scored.filter((x) => x.s === best);
    return top.length === 1 ? top[0]!.p : null;
  }
  const implVersion = manifest.get("implementation-version");
  const byVersion = implVersion ? poms.filter((p) => p.version === implVersion) : [];
  return byVersion.length === 1 ? byVersion[0]! : null;
}

const ID_LIKE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Identity from the manifest and file name, when no pom.properties names the archive. */
export function manifestIdentity(manifest: Map<string, string>, base: string): Identity {
  const file = parseFileName(base);
  const title = manifest.get("implementation-title") ?? "";
  const bsn = (manifest.get("bundle-symbolicname") ?? "").split(";")[0]!.trim();
  // Jar names are usually <artifactId>-<version>.jar, a stronger artifactId hint than a title.
  const artifactId = file.version ? file.artifact : ID_LIKE.test(title) ? title : ID_LIKE.test(bsn) ? bsn : file.artifact;
  const manifestVersion = firstToken(manifest.get("implementation-version")) || firstToken(manifest.get("bundle-version"));
  // A name-version file name was written from the Maven coordinate; manifests carry build
  // suffixes (2.1.0-release-394, 3.17.0.v20210823-1805) or stale values. Checked against the
  // 1,020 jars of a local Maven repository.
  const version = file.version || manifestVersion;
  // Vendor ids like "org.apache" or "org" name an organisation, not a groupId (hamcrest,
  // commons-*, asm, jna in a Maven repository): only 3+ parts are taken as a group.
  const groupLike = (g: string): boolean => ID_LIKE.test(g) && g.split(".").length >= 3;
  const vendorId = manifest.get("implementation-vendor-id") ?? "";
  let groupId = groupLike(vendorId) ? vendorId : "";
  // maven-bundle-plugin's default symbolic name is <groupId>.<artifactId>. With a hyphenated
  // artifactId that is no Java package name, so the prefix is a real group (io.opentelemetry);
  // otherwise it may be a package (org.objectweb.asm, com.sun.jna) and needs 3+ parts.
  const bsnGroup = bsn.endsWith("." + artifactId) ? bsn.slice(0, -artifactId.length - 1) : "";
  if (!groupId && (groupLike(bsnGroup) || (artifactId.includes("-") && bsnGroup.includes(".")))) groupId = bsnGroup;
  const fromManifest = (manifestVersion !== "" && !file.version) || artifactId !== file.artifact || groupId !== "";
  return { groupId, artifactId, version, from: fromManifest ? "manifest" : "filename" };
}

/** "1.3 2244 October 5 2005" → "1.3": some manifests append build dates. */
function firstToken(v: string | undefined): string {
  return ((v ?? "").trim().split(/\s+/)[0] ?? "").replace(/^"(.*)"$/, "$1");
}

