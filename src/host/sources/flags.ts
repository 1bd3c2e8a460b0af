// Command-line flags of a daemon, as it would read them: --name=value, --name value, -x value;
// flags known to be boolean take a value only with "=". Repeated flags keep every value.
export interface FlagSet {
  /** Where the command line came from: "/proc/123/cmdline" or "/lib/systemd/system/docker.service line 12". */
  source: string;
  /** The file it came from inside the root (a unit file), or the /proc path. */
  path: string;
  line?: number;
  argv: string[];
  values: Map<string, string[]>;
}

export function parseFlags(argv: string[], booleans: ReadonlySet<string>, shorts: Readonly<Record<string, string>>, source: string, path: string, line?: number): FlagSet {
  const values = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    const list = values.get(k) ?? [];
    list.push(v);
    values.set(k, list);
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    let m = /^--([A-Za-z0-9][A-Za-z0-9._-]*)(?:=(.*))?$/s.exec(a);
    let name: string | undefined;
    let value: string | undefined;
    if (m) {
      name = m[1]!;
      value = m[2];
    } else if ((m = /^-([A-Za-z])(?:=?(.+))?$/s.exec(a))) {
      name = shorts[m[1]!] ?? m[1]!;
      value = m[2];
    } else {
      continue;
    }
    if (value === undefined) {
      if (booleans.has(name)) value = "true";
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith("-")) value = argv[++i]!;
      else value = "";
    }
    add(name, value);
  }
  const out: FlagSet = { source, path, argv, values };
  if (line !== undefined) out.line = line;
  return out;
}

/** "--name=value" as seen, for evidence. */
export function flagText(name: string, value: string): string {
  return `--${name}=${value}`;
}
