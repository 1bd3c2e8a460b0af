import type { Contrib, Models } from "@cyclonedx/cyclonedx-library";
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
