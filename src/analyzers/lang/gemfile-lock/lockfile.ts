// Gemfile.lock: top-level sections (GEM, GIT, PATH, PLUGIN SOURCE) each list `specs:` with
// gems at four spaces, `name (version[-platform])`, and their dependencies at six (skipped).

export interface LockedGem {
  name: string;
  version: string;
  platforms: string[];
  /** The section it came from: GEM, GIT or PATH. */
  section: string;
  remote?: string;
  revision?: string;
}

const SOURCE_SECTIONS = new Set(["GEM", "GIT", "PATH", "PLUGIN SOURCE"]);
// Bundler splits the version from the platform at the first "-" (gem versions never hold one).
const SPEC = /^ {4}([^ ()]+) \(([^-()\s]+)(?:-([^()\s]+))?\)$/;
const MAX_LINES = 500_000;

export function parseGemfileLock(text: string): LockedGem[] {
  const byKey = new Map<string, LockedGem>();
  let section = "";
  let inSpecs = false;
  let remote: string | undefined;
  let revision: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && i < MAX_LINES; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    if (!line.startsWith(" ")) {
      section = line.trim();
      inSpecs = false;
      remote = revision = undefined;
      continue;
    }
    if (!SOURCE_SECTIONS.has(section)) continue;
    const kv = /^ {2}([a-z_]+):(?: (.*))?$/.exec(line);
    if (kv) {
      inSpecs = kv[1] === "specs";
      if (kv[1] === "remote") remote ??= kv[2]; // GEM may list several remotes: the first is enough
      if (kv[1] === "revision") revision = kv[2];
      continue;
    }
    if (!inSpecs) continue;
    const m = SPEC.exec(line);
    if (!m) continue;
    const [, name, version, platform] = m as unknown as [string, string, string, string | undefined];
    const key = `${name}@${version}`;
    const gem = byKey.get(key) ?? { name, version, platforms: [], section: section === "PLUGIN SOURCE" ? "PLUGIN" : section };
    if (platform && !gem.platforms.includes(platform)) gem.platforms.push(platform);
    if (remote && !gem.remote) gem.remote = remote;
    if (revision && !gem.revision) gem.revision = revision;
    byKey.set(key, gem);
  }
  return [...byKey.values()];
}
