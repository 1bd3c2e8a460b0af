import { describe, expect, it } from "vitest";
import { compareVersions, getComparator, InvalidVersionError, KNOWN_ECOSYSTEMS, normalizeName } from "./index.js";

describe("ecosystem lookup", () => {
  it.each([
    ["Debian:12", "Debian"],
    ["Ubuntu:22.04:LTS", "Ubuntu"],
    ["Ubuntu:Pro:18.04:LTS", "Ubuntu"],
    ["Alpine:v3.20", "Alpine"],
    ["Red Hat:enterprise_linux:9::appstream", "Red Hat"],
    ["Rocky Linux:9", "Rocky Linux"],
    ["AlmaLinux:8", "AlmaLinux"],
    ["SUSE:Linux Enterprise Server 15 SP5", "SUSE"],
    ["openSUSE:Leap 15.5", "openSUSE"],
    ["Wolfi", "Wolfi"],
    ["Chainguard", "Chainguard"],
    ["Mageia:9", "Mageia"],
    ["Photon OS:5.0", "Photon OS"],
    ["Azure Linux:3", "Azure Linux"],
    ["openEuler:22.03-LTS-SP3", "openEuler"],
    ["Maven:https://maven.google.com", "Maven"],
    ["Packagist:https://packages.drupal.org/8", "Packagist"],
    ["pypi", "PyPI"], // case slips are forgiven
  ])("%s -> %s", (ecosystem, name) => {
    expect(getComparator(ecosystem)?.ecosystem).toBe(name);
  });

  it("lists every ecosystem of the brief", () => {
    for (const e of ["Debian", "Ubuntu", "Alpine", "Wolfi", "Chainguard", "Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE", "Mageia", "Photon OS", "Azure Linux", "openEuler", "npm", "crates.io", "PyPI", "Go", "Maven", "RubyGems", "Packagist", "NuGet"]) {
      expect(KNOWN_ECOSYSTEMS).toContain(e);
    }
  });

  it("refuses unknown ecosystems with the list of known ones", () => {
    expect(getComparator("Nonesuch:1")).toBeUndefined();
    expect(() => compareVersions("Nonesuch:1", "1", "2")).toThrow(/"Nonesuch:1".*known ecosystems: Debian, Ubuntu, Alpine/);
  });

  it("reports versions a comparator cannot order", () => {
    expect(() => compareVersions("npm", "latest", "1.0.0")).toThrow(InvalidVersionError);
    expect(() => compareVersions("Debian", "1.0-", "1.0")).toThrow(/revision number is empty/);
  });
});

describe("normalizeName", () => {
  it.each([
    ["PyPI", "Jinja2", "jinja2"],
    ["PyPI", "zope.interface", "zope-interface"],
    ["PyPI", "Foo__Bar-.baz", "foo-bar-baz"],
    ["crates.io", "Serde_JSON", "serde-json"],
    ["NuGet", "Newtonsoft.Json", "newtonsoft.json"],
    ["Packagist", "Symfony/Console", "symfony/console"],
    ["npm", "@Scope/Pkg", "@Scope/Pkg"],
    ["Maven", "org.Apache:Commons", "org.Apache:Commons"],
    ["Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"],
    ["RubyGems", "Rack", "Rack"],
    ["Debian:12", "libssl3", "libssl3"],
    ["Alpine:v3.20", "py3-Foo", "py3-Foo"],
    ["Red Hat:enterprise_linux:9", "NetworkManager", "NetworkManager"],
    ["Nonesuch", "Whatever_Name", "Whatever_Name"],
  ])("%s: %s -> %s", (ecosystem, name, key) => {
    expect(normalizeName(ecosystem, name)).toBe(key);
  });
});
