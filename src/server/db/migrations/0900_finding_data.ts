// The Vulnerability JSON of a finding stored once (docs/server.md, "Finding data"): every image
// that has the same package variant shares the same finding JSON, so it is kept in finding_data
// under a content key and findings.data holds "@" + that key. A re-match that changes a fixed
// version then writes a few hundred bytes per finding row instead of the whole JSON, and the
// findings table shrinks by about four fifths. Rows written before this migration keep their
// inline JSON (findings.data starting with "{"): the readers take both (src/server/finding-data.ts), and a
// row is converted when its finding is next written.
import type { Kysely } from "kysely";
import type { ServerMigration } from "./index.js";

export const findingData: ServerMigration = {
  name: "0900_finding_data",
  async up(raw: Kysely<unknown>) {
    await raw.schema
      .createTable("finding_data")
      .ifNotExists()
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("data", "text", (c) => c.notNull())
      .execute();
  },
};
