"""The fallback dependency audit: what PyPI's project JSON can prove, and what it cannot, are both reported."""

import json

import pytest

from operations import audit

PYCRYPTO = {
    "info": {"version": "2.6.1"},
    "vulnerabilities": [
        {"id": "PYSEC-2017-94", "aliases": ["CVE-2013-7459"], "fixed_in": [], "withdrawn": None},
        {"id": "PYSEC-OLD", "aliases": [], "fixed_in": ["2.6.2"], "withdrawn": "2020-01-01T00:00:00Z"},
    ],
}
CLEAN = {"info": {"version": "1.0"}, "vulnerabilities": []}


def fake_pypi(projects):
    def fetch(name):
        if name not in projects:
            raise OSError("404")
        return json.loads(json.dumps(projects[name]))

    return fetch


def test_pins_reads_uv_export_lines():
    lines = [
        "# comment",
        "django==5.2.19 \\",
        "    --hash=sha256:abc",
        "pytz==2024.1 ; python_version < '3.12'",
        "-e .",
    ]
    assert audit.pins(lines) == [("django", "5.2.19"), ("pytz", "2024.1")]


def test_a_latest_release_with_an_advisory_is_vulnerable_and_withdrawn_ones_are_ignored():
    report = audit.audit(
        [("pycrypto", "2.6.1"), ("clean", "1.0")], fetch=fake_pypi({"pycrypto": PYCRYPTO, "clean": CLEAN})
    )
    assert report.vulnerable == [("pycrypto", "2.6.1", "PYSEC-2017-94", "no fix yet")]
    assert sorted(report.audited) == [("clean", "1.0"), ("pycrypto", "2.6.1")]
    assert report.not_audited == []


def test_an_older_release_or_an_unreachable_project_is_listed_as_not_audited():
    report = audit.audit([("clean", "0.9"), ("missing", "1.0")], fetch=fake_pypi({"clean": CLEAN}))
    assert report.audited == [] and report.vulnerable == []
    reasons = {name: why for name, _version, why in report.not_audited}
    assert "not the latest release (1.0)" in reasons["clean"]
    assert "PyPI did not answer" in reasons["missing"]


@pytest.mark.parametrize(
    ("projects", "status", "says"),
    [
        ({"pycrypto": PYCRYPTO, "clean": CLEAN}, 1, "Found 1 known vulnerabilities."),
        ({}, 2, "AUDIT BLOCKED"),
        ({"clean": CLEAN}, 0, "PARTIAL AUDIT: 1 package(s)"),
    ],
)
def test_exit_status_tells_ci_what_happened(tmp_path, monkeypatch, capsys, projects, status, says):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("clean==1.0\npycrypto==2.6.1\n" if "pycrypto" in projects else "clean==1.0\nold==1\n")
    monkeypatch.setattr(audit, "fetch", fake_pypi(projects))
    assert audit.main(["audit", str(requirements)]) == status
    assert says in capsys.readouterr().out
