"""Dependency audit: no installed package has a known vulnerability (pip-audit, PyPI only).

pip-audit runs against the installed environment with its default service, PyPI's JSON API
(``/pypi/NAME/VERSION/json``); it needs no other network. Where that service cannot answer
(the package index reachable from these machines serves the project pages, not the version
pages, so pip-audit skips every package as "not found"), a skipped package is audited from
the same registry's project page, whose ``vulnerabilities`` are those of the newest release:

- installed == newest release: the advisories apply exactly; any one fails the test;
- installed older, and a newer release is allowed by everything installed: the test fails
  (it cannot be audited here, and the fix is an upgrade);
- installed older because another package caps it (protobuf < 6.34 for ortools): listed in
  the output, not failed, since no newer release could be installed.

A package skipped for any other reason fails the test: an audit that audits nothing passes
nothing. Project pages are large (about 110 MB for this environment) and the index sends no
ETag, so the verdict per (package, version) is cached for a day in
``~/.cache/mentorkit/dependency-audit.json`` (``MENTORKIT_AUDIT_CACHE``).
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
OWN = {"mentorkit"}
CACHE = Path(os.environ.get("MENTORKIT_AUDIT_CACHE",
                            Path.home() / ".cache" / "mentorkit" / "dependency-audit.json"))
CACHE_SECONDS = 24 * 3600


def installed() -> dict[str, Version]:
    return {canonicalize_name(d.metadata["Name"]): Version(d.version) for d in md.distributions()}


def caps(name: str) -> list[Requirement]:
    """Requirements on ``name`` that installed packages state (without optional extras)."""
    found = []
    for dist in md.distributions():
        for text in dist.requires or []:
            req = Requirement(text)
            if canonicalize_name(req.name) == name and (
                    req.marker is None or req.marker.evaluate({"extra": ""})):
                found.append(req)
    return found


def project_page(name: str) -> dict[str, Any]:
    url = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - fixed https URL
        return json.load(response)


def audit_from_project_page(name: str, version: Version) -> tuple[str, str]:
    """("ok" | "vulnerable" | "outdated" | "capped", detail) for one package."""
    page = project_page(name)
    newest = Version(page["info"]["version"])
    if version == newest:
        vulns = [v["id"] for v in page.get("vulnerabilities", []) if not v.get("withdrawn")]
        return ("vulnerable", ", ".join(vulns)) if vulns else ("ok", "")
    python = Version(".".join(map(str, sys.version_info[:3])))
    stated = caps(name)
    allowed = []
    for text, files in page.get("releases", {}).items():
        try:
            v = Version(text)
        except InvalidVersion:
            continue
        usable = [f for f in files if not f.get("yanked") and (
            not f.get("requires_python") or python in SpecifierSet(f["requires_python"]))]
        if v > version and not v.is_prerelease and usable and \
                all(v in r.specifier for r in stated):
            allowed.append(v)
    if allowed:
        return "outdated", f"{version} installed, {max(allowed)} allowed"
    return "capped", f"{version} installed; newer releases need another Python or are " + \
        "excluded by " + ("; ".join(str(r) for r in stated) or "nothing installed")


def cached_audit(packages: dict[str, Version]) -> dict[str, tuple[str, str]]:
    """:func:`audit_from_project_page` for each package, cached a day per version."""
    try:
        cache = json.loads(CACHE.read_text())
    except (OSError, ValueError):
        cache = {}
    now = time.time()
    fresh = {n: tuple(cache[n]["result"]) for n, v in packages.items()
             if n in cache and cache[n]["version"] == str(v)
             and now - cache[n]["at"] < CACHE_SECONDS}
    todo = sorted(set(packages) - set(fresh))
    with ThreadPoolExecutor(max_workers=8) as pool:
        done = dict(zip(todo, pool.map(lambda n: audit_from_project_page(n, packages[n]), todo)))
    for n, result in done.items():
        cache[n] = {"version": str(packages[n]), "at": now, "result": list(result)}
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True))
    return {**fresh, **done}  # type: ignore[dict-item]


def test_installed_dependencies_have_no_known_vulnerabilities(tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    run = subprocess.run([str(PIP_AUDIT), "--local", "--format", "json", "--output", str(out),
                          "--progress-spinner", "off", "--timeout", "30"],
                         capture_output=True, text=True, timeout=600)
    assert out.exists(), f"pip-audit did not run: {run.stderr[-1500:]}"
    report = json.loads(out.read_text())
    found = {canonicalize_name(d["name"]): d for d in report["dependencies"]}
    versions = installed()
    assert set(found) >= set(versions) - OWN - {"pip-audit"}, "pip-audit missed packages"
    vulnerable = {n: [v["id"] for v in d["vulns"]] for n, d in found.items() if d.get("vulns")}
    assert not vulnerable, f"known vulnerabilities: {vulnerable}"
    skipped = {n: d["skip_reason"] for n, d in found.items()
               if "skip_reason" in d and n not in OWN}
    not_on_index = {n for n, why in skipped.items() if "not found on PyPI" in why}
    assert set(skipped) == not_on_index, f"skipped for other reasons: {skipped}"
    results = cached_audit({n: versions[n] for n in not_on_index})
    vulnerable = {n: detail for n, (state, detail) in results.items() if state == "vulnerable"}
    outdated = {n: detail for n, (state, detail) in results.items() if state == "outdated"}
    capped = {n: detail for n, (state, detail) in results.items() if state == "capped"}
    print(f"audited {len(found) - len(skipped)} by pip-audit, {len(results)} from PyPI project "
          f"pages; capped below the newest release: {capped}")
    assert not vulnerable, f"known vulnerabilities: {vulnerable}"
    assert not outdated, f"cannot be audited here until upgraded: {outdated}"


def test_the_fallback_sees_known_vulnerabilities_and_outdated_packages() -> None:
    state, detail = audit_from_project_page("ecdsa", Version(project_page("ecdsa")["info"]
                                                             ["version"]))
    assert state == "vulnerable" and "GHSA-wj6h-64fc-37mp" in detail  # Minerva, never fixed
    assert audit_from_project_page("pip", Version("23.2.1"))[0] == "outdated"
