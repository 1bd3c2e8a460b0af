// End-of-life dates for the distributions whose images we meet most.
//
// Table as of 2026-11-28. Sources: the distributions' own release pages as summarised by
// endoflife.date. What "end of life" means differs per distribution; we use the date after which
// ordinary users stop getting security updates for free:
//   Debian        end of Debian Security support (not LTS / ELTS)
//   Ubuntu        end of standard support (not ESM)
//   Alpine        end of the branch's support
//   RHEL & co.    end of maintenance support (RHEL), of the project's support (rebuilds)
//   Amazon Linux  end of support (AL1 maintenance, AL2 extended, AL2023 maintenance phase)
// Dates marked "projected" are announced plans, not yet passed milestones.
import type { EolInfo, OSInfo } from "../../../model/index.js";

interface Release {
  version: string;
  eol: string;
  codename?: string;
}

const DEBIAN: Release[] = [
  { version: "8", codename: "jessie", eol: "2018-06-17" },
  { version: "9", codename: "stretch", eol: "2020-07-18" },
  { version: "10", codename: "buster", eol: "2022-09-10" },
  { version: "11", codename: "bullseye", eol: "2024-08-14" },
  { version: "12", codename: "bookworm", eol: "2026-06-10" },
  { version: "13", codename: "trixie", eol: "2028-08-09" }, // projected: release + 3 years
];

const UBUNTU: Release[] = [
  { version: "14.04", codename: "trusty", eol: "2019-04-02" },
  { version: "14.10", codename: "utopic", eol: "2015-07-23" },
  { version: "15.04", codename: "vivid", eol: "2016-02-04" },
  { version: "15.10", codename: "wily", eol: "2016-07-28" },
  { version: "16.04", codename: "xenial", eol: "2021-04-02" },
  { version: "16.10", codename: "yakkety", eol: "2017-07-20" },
  { version: "17.04", codename: "zesty", eol: "2018-01-13" },
  { version: "17.10", codename: "artful", eol: "2018-07-19" },
  { version: "18.04", codename: "bionic", eol: "2023-05-31" },
  { version: "18.10", codename: "cosmic", eol: "2019-07-18" },
  { version: "19.04", codename: "disco", eol: "2020-01-23" },
  { version: "19.10", codename: "eoan", eol: "2020-07-06" },
  { version: "20.04", codename: "focal", eol: "2025-05-31" },
  { version: "20.10", codename: "groovy", eol: "2021-07-22" },
  { version: "21.04", codename: "hirsute", eol: "2022-01-20" },
  { version: "21.10", codename: "impish", eol: "2022-07-14" },
  { version: "22.04", codename: "jammy", eol: "2027-04-01" },
  { version: "22.10", codename: "kinetic", eol: "2023-07-20" },
  { version: "23.04", codename: "lunar", eol: "2024-01-20" },
  { version: "23.10", codename: "mantic", eol: "2024-07-12" },
  { version: "24.04", codename: "noble", eol: "2029-05-31" },
  { version: "24.10", codename: "oracular", eol: "2025-07-10" },
  { version: "25.04", codename: "plucky", eol: "2026-01-17" },
  { version: "25.10", codename: "questing", eol: "2026-07-01" },
  { version: "26.04", codename: "resolute", eol: "2031-04-30" }, // projected
];

const ALPINE: Release[] = [
  { version: "3.10", eol: "2021-05-01" },
  { version: "3.11", eol: "2021-11-01" },
  { version: "3.12", eol: "2022-05-01" },
  { version: "3.13", eol: "2022-11-01" },
  { version: "3.14", eol: "2023-05-01" },
  { version: "3.15", eol: "2023-11-01" },
  { version: "3.16", eol: "2024-05-23" },
  { version: "3.17", eol: "2024-11-22" },
  { version: "3.18", eol: "2025-05-09" },
  { version: "3.19", eol: "2025-11-01" },
  { version: "3.20", eol: "2026-04-01" },
  { version: "3.21", eol: "2026-11-01" },
  { version: "3.22", eol: "2027-05-01" }, // projected
];

const RHEL: Release[] = [
  { version: "6", eol: "2020-11-30" },
  { version: "7", eol: "2024-06-30" },
  { version: "8", eol: "2029-05-31" },
  { version: "9", eol: "2032-05-31" },
];

// CentOS Linux 8 was cut short in favour of CentOS Stream.
const CENTOS: Release[] = [
  { version: "6", eol: "2020-11-30" },
  { version: "7", eol: "2024-06-30" },
  { version: "8", eol: "2021-12-31" },
];

const CENTOS_STREAM: Release[] = [
  { version: "8", eol: "2024-05-31" },
  { version: "9", eol: "2027-05-31" },
];

const ROCKY: Release[] = [
  { version: "8", eol: "2029-05-31" },
  { version: "9", eol: "2032-05-31" },
];

const ALMALINUX: Release[] = [
  { version: "8", eol: "2029-03-01" },
  { version: "9", eol: "2032-05-31" },
];

// Oracle's Premier Support end.
const ORACLE: Release[] = [
  { version: "6", eol: "2021-03-01" },
  { version: "7", eol: "2024-12-01" },
  { version: "8", eol: "2029-07-01" },
  { version: "9", eol: "2032-06-30" },
];

const AMAZON: Release[] = [
  { version: "1", eol: "2023-12-31" },
  { version: "2", eol: "2026-06-30" },
  { version: "2023", eol: "2029-06-30" },
];

/** The release key a version is matched on in each family's table. */
function releaseKey(os: OSInfo): { table: Release[]; key: string } | undefined {
  const v = os.version.trim();
  const major = /^(\d+)/.exec(v)?.[1];
  switch (os.family) {
    case "debian":
      // Testing/sid (a codename as version) has no end of life.
      return major ? { table: DEBIAN, key: major } : undefined;
    case "ubuntu": {
      const yymm = /^(\d{2}\.\d{2})/.exec(v)?.[1];
      return yymm ? { table: UBUNTU, key: yymm } : undefined;
    }
    case "alpine": {
      const branch = /^(\d+\.\d+)/.exec(v)?.[1];
      return branch ? { table: ALPINE, key: branch } : undefined;
    }
    case "rhel":
      return major ? { table: RHEL, key: major } : undefined;
    case "centos":
      if (!major) return undefined;
      return { table: /stream/i.test(`${os.name ?? ""} ${os.prettyName ?? ""}`) ? CENTOS_STREAM : CENTOS, key: major };
    case "rocky":
      return major ? { table: ROCKY, key: major } : undefined;
    case "almalinux":
      return major ? { table: ALMALINUX, key: major } : undefined;
    case "ol":
      return major ? { table: ORACLE, key: major } : undefined;
    case "amzn":
      // AL1 versions are dated: 2017.09, 2018.03.
      if (/^20\d\d\.\d\d$/.test(v)) return { table: AMAZON, key: "1" };
      return major ? { table: AMAZON, key: major } : undefined;
    default:
      return undefined;
  }
}

/** End-of-life date (ISO) of the release, or undefined when the table does not know it. */
export function eolDate(os: OSInfo): string | undefined {
  const found = releaseKey(os);
  return found?.table.find((r) => r.version === found.key)?.eol;
}

/** `{ date, eol: date < now }`, or undefined for releases not in the table. */
export function eolInfo(os: OSInfo, now: Date): EolInfo | undefined {
  const date = eolDate(os);
  if (!date) return undefined;
  return { date, eol: Date.parse(`${date}T00:00:00Z`) < now.getTime() };
}

/** Debian 12 → bookworm, for images whose only clue is debian_version. */
export function debianCodename(version: string): string | undefined {
  return DEBIAN.find((r) => r.version === version)?.codename;
}
