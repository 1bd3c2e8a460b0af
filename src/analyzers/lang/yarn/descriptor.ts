// Descriptors as yarn writes them: `name@range`, `@scope/name@range`, with `npm:` aliases.

/** Splits `name@rest` at the `@` after the name (a scope's leading `@` is part of the name). */
export function splitDescriptor(descriptor: string): { name: string; rest: string } | null {
  const at = descriptor.indexOf("@", descriptor.startsWith("@") ? 1 : 0);
  if (at <= 0) return null;
  const name = descriptor.slice(0, at);
  if (name.startsWith("@") && !name.includes("/")) return null;
  return { name, rest: descriptor.slice(at + 1) };
}

/** The package a descriptor installs: an `npm:other@range` alias names another package. */
export function realName(descriptor: string): string | null {
  const d = splitDescriptor(descriptor);
  if (!d) return null;
  if (d.rest.startsWith("npm:")) {
    const inner = splitDescriptor(d.rest.slice(4));
    if (inner) return inner.name;
  }
  return d.name;
}

export interface YarnEntry {
  name: string;
  version: string;
}
