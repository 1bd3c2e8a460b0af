// Maven coordinates as lang/java, lang/maven-pom and lang/gradle-lock report them
// (name `group:artifact`): one purl form, one order.
import { finalizeWith, purlOrEmpty } from "./finalize.js";

/**
 * pkg:maven/<group>/<artifact>@<version>. Without a known group there is no valid maven purl
 * (the namespace is required, and a guessed group would misname the package): purl stays "".
 */
export function mavenPurl(name: string, version: string): string {
  const i = name.indexOf(":");
  if (i <= 0) return "";
  return purlOrEmpty("maven", name.slice(0, i), name.slice(i + 1), version || undefined);
}

export const finalizeMaven = finalizeWith((p) => mavenPurl(p.name, p.version));
