import type { Serialize } from "@cyclonedx/cyclonedx-library";
import { compareText } from "../common/compare.js";

type Bom = Serialize.JSON.Types.Normalized.Bom;
type Component = Serialize.JSON.Types.Normalized.Component;
type License = Serialize.JSON.Types.Normalized.License;
type Vulnerability = Serialize.JSON.Types.Normalized.Vulnerability;

// With sortLists the library sorts with String#localeCompare, whose order follows the
// process locale: under cs_CZ "chrony" sorts after "hostname". Re-sorting those lists by code
// point after normalisation makes the bytes independent of the machine that wrote them.

function licenseKey(l: License): string {
  if ("expression" in l) return l.expression;
  return "id" in l.license ? l.license.id : l.license.name;
}

function collateComponent(c: Component): void {
  c.properties?.sort((a, b) => compareText(a.name ?? "", b.name ?? "") || compareText(a.value ?? "", b.value ?? ""));
  c.licenses?.sort((a, b) => compareText(licenseKey(a), licenseKey(b)));
  c.components?.forEach(collateComponent);
  c.components?.sort(compareComponents);
}

function compareComponents(a: Component, b: Component): number {
  return compareText(a["bom-ref"] ?? "", b["bom-ref"] ?? "") || compareText(a.name, b.name);
}

function collateVulnerability(v: Vulnerability): void {
  v.references?.sort((a, b) => compareText(a.id, b.id));
  v.ratings?.sort(
    (a, b) => compareText(a.method ?? "", b.method ?? "") || compareText(a.vector ?? "", b.vector ?? "") || (a.score ?? 0) - (b.score ?? 0),
  );
  v.advisories?.sort((a, b) => compareText(a.url, b.url));
  v.affects?.sort((a, b) => compareText(a.ref, b.ref));
  v.properties?.sort((a, b) => compareText(a.name ?? "", b.name ?? "") || compareText(a.value ?? "", b.value ?? ""));
}

export function collate(bom: Bom): Bom {
  bom.vulnerabilities?.forEach(collateVulnerability);
  bom.vulnerabilities?.sort(
    (a, b) => compareText(a.id ?? "", b.id ?? "") || compareText(a.affects?.[0]?.ref ?? "", b.affects?.[0]?.ref ?? "") || compareText(a["bom-ref"] ?? "", b["bom-ref"] ?? ""),
  );
  bom.components?.forEach(collateComponent);
  bom.components?.sort(compareComponents);
  const { metadata } = bom;
  if (metadata?.component) collateComponent(metadata.component);
  metadata?.properties?.sort((a, b) => compareText(a.name ?? "", b.name ?? "") || compareText(a.value ?? "", b.value ?? ""));
  const tools = metadata?.tools;
  if (tools && !Array.isArray(tools)) {
    tools.components?.forEach(collateComponent);
    tools.components?.sort(compareComponents);
  }
  for (const d of bom.dependencies ?? []) d.dependsOn?.sort(compareText);
  bom.dependencies?.sort((a, b) => compareText(a.ref, b.ref));
  return bom;
}
