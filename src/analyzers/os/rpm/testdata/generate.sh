#!/usr/bin/env bash
# Regenerates the rpm database fixtures in this folder from specs/*.spec.
# Needs Debian's `rpm` (rpmbuild, rpmkeys; sqlite + bdb_ro backends), `db5.3-util`
# (db5.3_load writes genuine Berkeley DB hash files in either byte order) and gpg.
# Not run by the tests: the outputs are committed. Run from anywhere:
#   bash src/analyzers/os/rpm/testdata/generate.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export SOURCE_DATE_EPOCH=1700000000
for spec in "$here"/specs/*.spec; do
  target=$(sed -n 's/^#target: *//p' "$spec")
  rpmbuild -bb --quiet ${target:+--target "$target"} \
    --define "_topdir $work/build" \
    --define "_buildhost fixtures.bulwark.test" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "_build_id_links none" \
    --define "debug_package %{nil}" \
    "$spec" >/dev/null
done

# A throwaway signing key, imported so the database holds a gpg-pubkey pseudo package.
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' \
  --quick-gen-key 'Bulwark Fixture Key <fixtures@bulwark.test>' rsa2048 sign never
gpg --batch --quiet --armor --export fixtures@bulwark.test >"$work/key.asc"

db="$work/db"
mkdir -p "$db"
rpmkeys --dbpath "$db" --define '_db_backend sqlite' --import "$work/key.asc"
find "$work/build/RPMS" -name '*.rpm' -print0 | sort -z |
  xargs -0 rpm --dbpath "$db" --define '_db_backend sqlite' -i --justdb --nodeps \
    --noscripts --notriggers --nosignature --nodigest --ignorearch --ignoreos
# Fold any WAL back into the main file so the single file is complete.
rpm --dbpath "$db" --define '_db_backend sqlite' -qa >/dev/null

mkdir -p "$here/sqlite"
cp "$db/rpmdb.sqlite" "$here/sqlite/rpmdb.sqlite"

# Berkeley DB Packages: key = package instance (uint32, writer's byte order), value = header
# blob, plus rpm's key-0 record; written by db_load in "bytevalue" dump format.
( cd "$repo" && node --input-type=module - "$db/rpmdb.sqlite" "$work/dump" ) <<'JS'
import Database from "better-sqlite3";
import { writeFileSync } from "node:fs";
const [file, out] = process.argv.slice(2);
const rows = new Database(file, { readonly: true }).prepare("SELECT hnum, blob FROM Packages ORDER BY hnum").all();
// [output suffix, db_lorder, page size]: both byte orders at rpm's usual 4 KiB pages (headers
// go to overflow chains), and 64 KiB pages where most headers fit on the hash page itself.
for (const [suffix, order, pageSize] of [["le", "1234", 4096], ["be", "4321", 4096], ["64k", "1234", 65536]]) {
  const le = order === "1234";
  const u32 = (n) => { const b = Buffer.alloc(4); le ? b.writeUInt32LE(n) : b.writeUInt32BE(n); return b.toString("hex"); };
  let text = `VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=${pageSize}\ndb_lorder=${order}\nHEADER=END\n`;
  text += ` ${u32(0)}\n ${u32(rows.length + 1)}\n`;
  for (const r of rows) text += ` ${u32(r.hnum)}\n ${Buffer.from(r.blob).toString("hex")}\n`;
  writeFileSync(`${out}-${suffix}`, text + "DATA=END\n");
}
JS
for v in le be 64k; do
  mkdir -p "$here/bdb-$v"
  rm -f "$here/bdb-$v/Packages"
  db5.3_load -f "$work/dump-$v" "$here/bdb-$v/Packages"
done

# What rpm itself reports, kept as the expected output for every fixture generated here (the
# tests also re-run rpm on each fixture when it is installed).
q() { rpm --dbpath "$db" --define '_db_backend sqlite' -qa --qf "$1" | LC_ALL=C sort; }
q '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}\n' >"$here/rpm-qa.txt"
q '[%{=NAME} %{FILENAMES}\n]' >"$here/rpm-files.txt"
rpm --version >"$here/rpm-version.txt"
rm -rf "$here/sqlite/rpm-qa.txt" "$here/sqlite/rpm-version.txt"
echo "fixtures written to $here"
