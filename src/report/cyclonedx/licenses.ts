import type { Contrib, Models, Serialize } from "@cyclonedx/cyclonedx-library";
import { cdx } from "../common/cyclonedx-lib.js";
import { uniqueText } from "../common/compare.js";
import { joinWithAnd, parseSpdxExpression, type SpdxExpression } from "../license/spdx-expression.js";

let made: Contrib.License.Factories.LicenseFactory | undefined;
const licenseFactory = (): Contrib.License.Factories.LicenseFactory =>
  (made ??= new (cdx().Contrib.License.Factories.LicenseFactory)((text) => {
    if (parseSpdxExpression(text) === undefined) throw new RangeError(`not an SPDX expression: ${text}`);
  }));

/**
 * CycloneDX licenses for one package.
 *
 * The 1.6 schema allows either a list of id/named licenses or exactly one expression, never a
 * mix (and the library's serialiser silently keeps only the first expression of a mix). So:
 * - every string is a valid SPDX expression: listed ids stay a list of `license.id`, anything
 *   compound becomes one `expression` joined with AND;
 * - otherwise one entry per string: `license.id` for listed ids, a named license for the rest.
 */
export function cyclonedxLicenses(licenses: readonly string[]): Models.License[] {
  const texts = uniqueText(licenses.map((l) => l.trim()).filter(Boolean));
  const parsed = texts.map(parseSpdxExpression);
  if (parsed.length > 0 && parsed.every((p) => p !== undefined)) {
    // Spellings that differ only in case collapse to one canonical entry.
    const valid = [...new Map((parsed as SpdxExpression[]).map((p) => [p.text, p])).values()];
    if (valid.every((p) => p.single)) return valid.map((p) => licenseFactory().makeSpdxLicense(p.text));
    return [licenseFactory().makeExpression(joinWithAnd(valid))];
  }
  return texts.map((t) => licenseFactory().makeDisjunctive(t));
}

type NormalizedLicense = Serialize.JSON.Types.Normalized.License;

/**
 * The same licenses in the library's normalised JSON form, without building its models (the
 * writer's direct path). Mirrors the LicenseFactory and LicenseNormalizer: an id the library's
 * SPDX list does not know (fixed up for case first) is written as a name.
 */
export function normalizedLicenses(licenses: readonly string[]): NormalizedLicense[] {
  const texts = uniqueText(licenses.map((l) => l.trim()).filter(Boolean));
  if (texts.length === 0) return [];
  const { SPDX } = cdx();
  const spdxOrName = (text: string): NormalizedLicense => {
    const id = SPDX.fixupSpdxId(text);
    return id !== undefined && SPDX.isSupportedSpdxId(id) ? { license: { id } } : { license: { name: id ?? text } };
  };
  const parsed = texts.map(parseSpdxExpression);
  if (parsed.every((p) => p !== undefined)) {
    const valid = [...new Map((parsed as SpdxExpression[]).map((p) => [p.text, p])).values()];
    if (valid.every((p) => p.single)) return valid.map((p) => spdxOrName(p.text));
    return [{ expression: joinWithAnd(valid) }];
  }
  return texts.map(spdxOrName);
}
