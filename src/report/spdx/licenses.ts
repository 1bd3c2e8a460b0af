import { compareText } from "../common/compare.js";
import { joinWithAnd, parseSpdxExpression, type SpdxExpression } from "../license/spdx-expression.js";
import { idString, shortHash } from "./ids.js";

export interface ExtractedLicense {
  licenseId: string;
  extractedText: string;
  name: string;
  comment: string;
}

/**
 * Turns package license strings into SPDX license expressions, defining a LicenseRef for each
 * string that is not a valid expression. One catalog per document so every LicenseRef used is
 * defined exactly once in hasExtractedLicensingInfos.
 */
export class LicenseCatalog {
  private readonly byText = new Map<string, ExtractedLicense>();
  private readonly usedIds = new Set<string>();

  /** `licenseDeclared` for a package: the strings joined with AND, or NOASSERTION. */
  declared(licenses: readonly string[]): string {
    const texts = [...new Set(licenses.map((l) => l.trim()).filter(Boolean))];
    if (texts.length === 0) return "NOASSERTION";
    const parts = new Map<string, SpdxExpression>();
    for (const text of texts) {
      const parsed = parseSpdxExpression(text);
      // An expression naming LicenseRefs we have no text for would leave them undefined in the
      // document; treat the whole string as an unlisted license instead.
      const part =
        parsed && parsed.licenseRefs.length === 0 ? parsed : { text: this.ref(text), single: false, licenseRefs: [] };
      parts.set(part.text, part);
    }
    return joinWithAnd([...parts.values()].sort((a, b) => compareText(a.text, b.text)));
  }

  private ref(text: string): string {
    const known = this.byText.get(text);
    if (known) return known.licenseId;
    let licenseId = `LicenseRef-${idString(text) || shortHash(text)}`;
    if (this.usedIds.has(licenseId)) licenseId = `${licenseId}-${shortHash(text)}`;
    this.usedIds.add(licenseId);
    this.byText.set(text, {
      licenseId,
      extractedText: text,
      name: text,
      comment: "License as written in the package metadata; not an SPDX license expression.",
    });
    return licenseId;
  }

  /** Every LicenseRef handed out, sorted by id. */
  extracted(): ExtractedLicense[] {
    return [...this.byText.values()].sort((a, b) => compareText(a.licenseId, b.licenseId));
  }
}
