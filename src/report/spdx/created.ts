import { UserError } from "../../errors.js";
import type { Artifact } from "../../model/index.js";
import { formatUtcSeconds, parseDate } from "../common/dates.js";

/**
 * SPDX requires `creationInfo.created`. To keep output reproducible it is, in order: the
 * timestamp asked for, SOURCE_DATE_EPOCH (the reproducible-builds convention), the image's
 * creation time, and only as a last resort the current time.
 */
export function creationDate(
  artifact: Artifact,
  timestamp: Date | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (timestamp) return formatUtcSeconds(timestamp);
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== "") {
    const date = /^\d{1,15}$/.test(epoch) ? new Date(Number(epoch) * 1000) : undefined;
    // The convention asks tools to refuse a malformed value rather than silently ignore it.
    if (!date || Number.isNaN(date.getTime())) {
      throw new UserError("USAGE", `SOURCE_DATE_EPOCH must be a whole number of seconds, got "${epoch}"`);
    }
    return formatUtcSeconds(date);
  }
  return formatUtcSeconds(parseDate(artifact.created) ?? new Date());
}
