"""Audit the locked dependencies against PyPI's advisories when pip-audit's own services cannot be reached.

pip-audit asks PyPI's per-release JSON API (or OSV) for each locked version. From some networks only the
project-level JSON API answers (a registry mirror): it carries PyPI's advisories for the project's *latest*
release only. So every locked package that is its project's latest release is audited for real, and the others are
listed as not audited, loudly, rather than passed in silence.

Usage: python site/operations/audit.py requirements.txt  (the output of `uv export --format requirements-txt`)
Exit status: 1 when a known vulnerability is found, 2 when no package could be checked, 0 otherwise.
"""

import json
import re
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from packaging.markers import Marker

PYPI = "https://pypi.org/pypi/{name}/json"
PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\#]+))?")


@dataclass
class Report:
    vulnerable: list = field(default_factory=list)  # (name, version, advisory id, fixed in)
    audited: list = field(default_factory=list)  # (name, version)
    not_audited: list = field(default_factory=list)  # (name, version, why)


def pins(lines):
    """(name, version) for every `name==version` line that applies to this interpreter (its marker holds)."""
    found = []
    for match in map(PIN.match, lines):
        if match and (not match.group(3) or Marker(match.group(3).strip()).evaluate()):
            found.append((match.group(1).lower(), match.group(2)))
    return found


def fetch(name):
    with urllib.request.urlopen(PYPI.format(name=name), timeout=30) as response:  # noqa: S310 - a fixed https URL
        return json.load(response)


def audit(requirements, fetch):
    """Check each (name, version) with the project's JSON; `fetch(name)` returns it or raises."""

    def one(pin):
        name, version = pin
        try:
            return pin, fetch(name), None
        except Exception as error:  # noqa: BLE001 - any failure to fetch means "not audited", reported below
            return pin, None, error

    report = Report()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for (name, version), data, error in pool.map(one, requirements):
            if data is None:
                report.not_audited.append((name, version, f"PyPI did not answer ({error})"))
                continue
            latest = data.get("info", {}).get("version")
            if "vulnerabilities" not in data:
                report.not_audited.append((name, version, "PyPI's answer carries no advisories"))
            elif latest != version:
                report.not_audited.append((name, version, f"not the latest release ({latest}); advisories unknown"))
            else:
                report.audited.append((name, version))
                for advisory in data["vulnerabilities"]:
                    if advisory.get("withdrawn"):
                        continue
                    fixed = ", ".join(advisory.get("fixed_in") or []) or "no fix yet"
                    report.vulnerable.append((name, version, advisory.get("id", "?"), fixed))
    return report


def say(line):
    sys.stdout.write(line + "\n")


def main(argv):
    with open(argv[1], encoding="utf-8") as handle:
        requirements = pins(handle)
    report = audit(requirements, fetch=fetch)
    for name, version, advisory, fixed in report.vulnerable:
        say(f"VULNERABLE {name} {version}: {advisory} (fixed in {fixed})")
    for name, version, why in report.not_audited:
        say(f"not audited {name} {version}: {why}")
    say(
        f"Audited {len(report.audited)} of {len(requirements)} locked packages against PyPI's advisories; "
        f"{len(report.not_audited)} not audited."
    )
    if report.vulnerable:
        say(f"Found {len(report.vulnerable)} known vulnerabilities.")
        return 1
    if not report.audited:
        say("AUDIT BLOCKED: no package could be checked.")
        return 2
    if report.not_audited:
        say(f"PARTIAL AUDIT: {len(report.not_audited)} package(s) could not be checked (listed above).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
