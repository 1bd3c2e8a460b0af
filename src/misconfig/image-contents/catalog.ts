// What the image-contents checks look for, by path alone: tools in bin directories, files that
// hold credentials or history, and package-manager caches. Tables, not logic.
import type { ToolCategory } from "../../model/index.js";

/** Commands an attacker with a foothold would reach for, by category. */
const TOOLS: Record<ToolCategory, string[]> = {
  shell: ["sh", "bash", "rbash", "dash", "ash", "zsh", "ksh", "ksh93", "mksh", "pdksh", "csh", "tcsh", "fish", "yash", "busybox", "toybox"],
  "package-manager": [
    "apt", "apt-get", "aptitude", "dpkg", "apk", "yum", "dnf", "dnf4", "dnf5", "microdnf", "tdnf", "rpm", "zypper", "pacman", "opkg",
    "pip", "pip3", "pipx", "easy_install", "conda", "mamba", "npm", "npx", "yarn", "pnpm", "corepack", "gem", "bundle", "composer", "cpan", "cpanm",
  ],
  compiler: [
    "gcc", "g++", "cc", "c++", "c89", "c99", "clang", "clang++", "tcc", "gfortran", "as", "ld", "ld.bfd", "ld.gold", "make", "gmake", "cmake", "ninja",
    "go", "rustc", "cargo", "javac", "kotlinc", "scalac", "dotnet", "mono", "mcs",
  ],
  debugger: ["gdb", "gdbserver", "lldb", "lldb-server", "strace", "ltrace", "perf", "valgrind", "bpftrace", "sysdig", "ptrace", "jdb", "delve", "dlv"],
  network: [
    "curl", "wget", "wget2", "nc", "ncat", "netcat", "nc.openbsd", "nc.traditional", "socat", "ssh", "scp", "sftp", "sshd", "dropbear", "dbclient",
    "telnet", "telnetd", "ftp", "tftp", "lftp", "rsync", "nmap", "tcpdump", "tshark", "aria2c", "httpie", "http", "rclone",
  ],
};

const TOOL_BY_NAME = new Map<string, ToolCategory>();
for (const [category, names] of Object.entries(TOOLS) as [ToolCategory, string[]][]) for (const n of names) TOOL_BY_NAME.set(n, category);

/** pip3.11, gcc-12, python-style versioned names map to their base tool. */
export function toolCategory(name: string): { name: string; category: ToolCategory } | null {
  const exact = TOOL_BY_NAME.get(name);
  if (exact) return { name, category: exact };
  const m = /^(pip|gcc|g\+\+|cc|clang|clang\+\+|gfortran|cpp|lldb|ld|perf)[-.]?\d+(?:\.\d+)*$/.exec(name) ?? /^([a-z+]+)-\d+(?:\.\d+)*$/.exec(name);
  if (m) {
    const base = TOOL_BY_NAME.get(m[1]!);
    if (base) return { name: m[1]!, category: base };
  }
  // Cross compilers: x86_64-linux-gnu-gcc-12.
  const cross = /^[a-z0-9_]+-(?:[a-z0-9_]+-)*(gcc|g\+\+|ld|as|cc)(?:-\d+(?:\.\d+)*)?$/.exec(name);
  if (cross && /linux|gnu|musl|elf/.test(name)) return { name: cross[1]!, category: "compiler" };
  return null;
}

/** Directories whose entries are commands on PATH (or where toolchains keep theirs). */
export function isBinDir(dir: string): boolean {
  if (!dir.endsWith("bin")) return false;
  return (
    /^(?:usr\/(?:local\/)?)?s?bin$/.test(dir) ||
    /^usr\/local\/[^/]+\/bin$/.test(dir) ||
    /^opt\/(?:[^/]+\/){1,3}bin$/.test(dir) ||
    /^usr\/lib\/jvm\/[^/]+\/bin$/.test(dir) ||
    /^usr\/lib\/go(?:-[\d.]+)?\/bin$/.test(dir) ||
    /^(?:root|home\/[^/]+)\/(?:\.local|\.cargo|go)\/bin$/.test(dir)
  );
}

export type SensitiveKind = "git" | "history" | "dotenv" | "credentials" | "private-key";

const HISTORY = new Set([
  ".bash_history", ".zsh_history", ".sh_history", ".ash_history", ".ksh_history", ".history", ".histfile",
  ".python_history", ".node_repl_history", ".mysql_history", ".psql_history", ".sqlite_history", ".rediscli_history", ".irb_history", ".lesshst",
]);

/** Credential files by their place under a home directory (or anywhere for the unambiguous ones). */
const CREDENTIAL_SUFFIXES = [
  ".aws/credentials", ".config/gcloud/application_default_credentials.json", ".config/gcloud/credentials.db", ".config/gcloud/access_tokens.db",
  ".azure/accessTokens.json", ".azure/msal_token_cache.json", ".azure/msal_token_cache.bin", ".kube/config", ".docker/config.json",
  ".git-credentials", ".netrc", ".pgpass", ".my.cnf", ".pypirc", ".npmrc", ".yarnrc.yml", ".gem/credentials", ".boto", ".s3cfg",
  ".terraform.d/credentials.tfrc.json", ".terraformrc", ".vault-token", ".config/gh/hosts.yml", ".config/hub", ".cargo/credentials",
  ".cargo/credentials.toml", ".m2/settings-security.xml", ".gradle/gradle.properties", ".composer/auth.json", ".config/composer/auth.json",
];
const CREDENTIAL_BASES = new Set(CREDENTIAL_SUFFIXES.map((s) => s.slice(s.lastIndexOf("/") + 1)));
const HOME_ONLY = new Set([".npmrc", ".yarnrc.yml", ".my.cnf", ".boto", ".terraformrc"]);
const GCLOUD_LEGACY = /(?:^|\/)\.config\/gcloud\/legacy_credentials\/[^/]+\/(?:adc\.json|\.boto)$/;

const SSH_PRIVATE = /^(?:id_(?:rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk|xmss)|identity)$/;
const HOST_KEY = /^etc\/ssh\/ssh_host_[a-z0-9]+_key$/;
const KEYSTORE = /\.(?:p12|pfx|jks|keystore|ppk)$/i;

/** Paths where documentation, tests and samples live: key-like files there are examples. */
const EXAMPLE_PATH = /(?:^|\/)(?:usr\/share\/(?:doc|man|help)|test|tests|testdata|__tests__|spec|fixtures?|examples?|samples?)(?:\/|$)/;
/** Language packages ship their own test keys; they are not the application's. */
export const PACKAGE_TREE = /(?:^|\/)(?:node_modules|site-packages|dist-packages|vendor|gems)\//;

/** Which kind of sensitive file `path` is (`.git` directories are found by the collector). */
export function sensitiveKind(path: string, base: string): SensitiveKind | null {
  if (HISTORY.has(base)) return "history";
  if (base === ".env" || (base.startsWith(".env.") && !/\.(?:example|sample|template|dist|defaults?|schema)$/.test(base))) {
    return EXAMPLE_PATH.test(path) || PACKAGE_TREE.test(path) ? null : "dotenv";
  }
  if (path.startsWith("etc/ssh/") && HOST_KEY.test(path)) return "private-key";
  if (SSH_PRIVATE.test(base) && /(?:^|\/)\.ssh\/[^/]+$/.test(path)) return "private-key";
  if (KEYSTORE.test(base) && !EXAMPLE_PATH.test(path) && !PACKAGE_TREE.test(path) && !/^(?:etc\/ssl|etc\/pki|usr\/lib\/jvm|usr\/share\/ca-certificates)\//.test(path)) {
    return "private-key";
  }
  if (CREDENTIAL_BASES.has(base)) {
    for (const s of CREDENTIAL_SUFFIXES) {
      if (path === s || (path.endsWith(s) && path[path.length - s.length - 1] === "/")) {
        // Project rc files usually carry only a registry; only home-directory copies count.
        return !HOME_ONLY.has(s) || /^(?:root|home\/[^/]+)\/[^/]+$/.test(path) ? "credentials" : null;
      }
    }
  }
  if (path.includes("/gcloud/") && GCLOUD_LEGACY.test(path)) return "credentials";
  return null;
}

export interface CacheDir {
  manager: string;
  /** The directory whose contents are the cache. */
  dir: string;
}

// Package-manager caches: what `--no-cache`, `rm -rf /var/lib/apt/lists/*` and friends remove.
const CACHE_PATTERNS: { manager: string; re: RegExp }[] = [
  { manager: "apt", re: /^(var\/cache\/apt\/archives)\/[^/]+\.deb$/ },
  { manager: "apt", re: /^(var\/cache\/apt)\/(?:src)?pkgcache\.bin$/ },
  { manager: "apt", re: /^(var\/lib\/apt\/lists)\/(?!lock$|partial\/|auxfiles\/)[^/]+/ },
  { manager: "apk", re: /^(var\/cache\/apk|etc\/apk\/cache)\/[^/]+\.(?:apk|tar\.gz)$/ },
  { manager: "yum", re: /^(var\/cache\/yum)\/.+/ },
  { manager: "dnf", re: /^(var\/cache\/(?:dnf|libdnf5))\/.+/ },
  { manager: "zypper", re: /^(var\/cache\/zypp)\/.+/ },
  { manager: "pip", re: /^((?:root|home\/[^/]+)\/\.cache\/pip)\/.+/ },
  { manager: "npm", re: /^((?:root|home\/[^/]+)\/\.npm\/_cacache)\/.+/ },
  { manager: "yarn", re: /^((?:root|home\/[^/]+)\/\.cache\/yarn|usr\/local\/share\/\.cache\/yarn|(?:root|home\/[^/]+)\/\.yarn\/berry\/cache)\/.+/ },
  { manager: "pnpm", re: /^((?:root|home\/[^/]+)\/\.(?:local\/share\/pnpm\/store|pnpm-store))\/.+/ },
  { manager: "go", re: /^((?:root|home\/[^/]+)\/\.cache\/go-build|(?:root|home\/[^/]+)\/go\/pkg\/mod\/cache\/download)\/.+/ },
  { manager: "maven", re: /^((?:root|home\/[^/]+)\/\.m2\/repository)\/.+/ },
  { manager: "gradle", re: /^((?:root|home\/[^/]+)\/\.gradle\/caches)\/.+/ },
  { manager: "composer", re: /^((?:root|home\/[^/]+)\/\.(?:cache\/)?composer\/cache)\/.+/ },
  { manager: "cargo", re: /^((?:root|home\/[^/]+|usr\/local)\/(?:\.cargo|cargo)\/registry\/cache)\/.+/ },
];
const CACHE_ROOTS = /^(?:var\/cache|var\/lib\/apt|etc\/apk|root|home|usr\/local)\//;

export function cacheOf(path: string): CacheDir | null {
  if (!CACHE_ROOTS.test(path)) return null;
  for (const { manager, re } of CACHE_PATTERNS) {
    const m = re.exec(path);
    if (m) return { manager, dir: m[1]! };
  }
  return null;
}
