"""The label catalogue: every key in every language, and every key the apps use is there."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

from mentorkit import vocab
from mentorkit.casework.caseload import FollowupPlan
from mentorkit.casework.duplicates import WEIGHTS
from mentorkit.casework.screening import STATUSES
from mentorkit.errors import MissingTranslation, UnknownLanguage
from mentorkit.monitoring.progress import FUNNEL_STAGES
from mentorkit.privacy.roles import ROLES
from mentorkit.ui import labels
from mentorkit.ui.common import APPS
from mentorkit.ui.forms import RULE_KEYS

UI = Path(labels.__file__).parent
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[A-Za-z_]+)+|[a-z_]+)["']""")
STRING = re.compile(r"""["']([a-z_]+(?:\.[A-Za-z_]+)+)["']""")


def used_keys() -> set[str]:
    """Keys the apps name literally, plus those they build from a prefix and a known code."""
    keys: set[str] = set()
    for path in UI.glob("*.py"):
        keys |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    from mentorkit.ui.intake import FIELDS, SECTIONS

    keys |= {f"app.{a}" for a in APPS}
    keys |= {f"home.about.{a}" for a in APPS[1:]}
    keys |= {f"home.stat.{s}" for s in ("active", "overdue", "waiting", "long_wait",
                                        "proposals", "checks_expired")}
    keys |= {f"field.{f}" for _s, f, *_ in FIELDS} | {"field.role"}
    keys |= {f"intake.section.{s}" for s in SECTIONS}
    keys |= {f"check.{s}" for s in STATUSES}
    keys |= {f"dupe.reason.{r}" for r in WEIGHTS} | {"dupe.likely", "dupe.possible"}
    keys |= set(RULE_KEYS.values()) | {"rule.other"}
    keys |= {f"caseload.state.{s}" for s in ("overdue", "due_soon", "ok")}
    keys |= {f"caseload.col.{c}" for c in ("mentee", "mentor", "started", "last_contact",
                                           "calls", "next_due", "state", "registered",
                                           "waiting_since", "days", "proposed", "action")}
    keys |= {f"followup.{k}" for k in ("date", "kind", "next_due", "notes")}
    keys |= {f"end.{k}" for k in ("ended_on", "end_reason", "employment_status",
                                  "hours_per_week", "language_level", "network_size",
                                  "confidence", "mentee_feedback", "mentor_feedback", "rematch")}
    keys |= {f"event.{k}" for k in ("kind", "title", "date", "location", "attendees")}
    keys |= {f"overview.stage.{s}" for s in FUNNEL_STAGES}
    keys |= {f"overview.per.{f}" for f in ("MS", "QS", "YS")}
    keys |= {f"overview.col.{c}" for c in ("grant", "target", "period", "promised", "actual",
                                           "share")}
    keys |= {f"caseload.tab.{c}" for c in ("active", "waiting", "proposals")}
    keys |= {f"access.role.{r}" for r in ROLES}
    if (UI / "match_finder.py").exists():
        from mentorkit.ui import match_finder

        keys |= set(getattr(match_finder, "LABEL_KEYS", ()))
    return keys


def test_every_label_is_there_in_danish_english_and_dutch_with_the_same_placeholders() -> None:
    assert labels.problems() == []


def test_a_missing_language_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = {k: dict(v) for k, v in labels.LABELS.items()}
    del broken["app.intake"]["nl"]
    broken["caseload.tab.active"]["da"] = "Aktive match"
    assert labels.problems(broken) == [
        "app.intake: no 'nl' text",
        "caseload.tab.active: 'da' has placeholders [], 'en' has ['n']",
    ]
    monkeypatch.setitem(labels.LABELS, "app.intake", broken["app.intake"])
    assert labels.problems() == ["app.intake: no 'nl' text"]


def test_every_key_the_apps_use_is_in_the_catalogue() -> None:
    missing = sorted(used_keys() - set(labels.LABELS))
    assert missing == []


def test_a_key_an_app_names_but_the_catalogue_lacks_is_caught(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(labels.LABELS, "intake.save")  # t("intake.save") in ui/intake.py
    assert sorted(used_keys() - set(labels.LABELS)) == ["intake.save"]


def mentioned() -> set[str]:
    """Every dotted string in the apps' code (keys passed around before ``t`` gets them); the
    catalogue itself does not count, or every key in it would be "used"."""
    found: set[str] = set()
    for path in UI.glob("*.py"):
        if path.name != "labels.py":
            found |= set(STRING.findall(path.read_text(encoding="utf-8")))
    return found


def test_a_key_only_the_catalogue_names_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(labels.LABELS, "intake.nobody_uses_this",
                        {"da": "x", "en": "x", "nl": "x"})
    assert sorted(set(labels.LABELS) - used_keys() - mentioned()) == ["intake.nobody_uses_this"]


def test_the_catalogue_holds_no_key_nobody_uses() -> None:
    unused = sorted(set(labels.LABELS) - used_keys() - mentioned())
    assert unused == []


def test_t_fills_placeholders_and_names_a_missing_key_or_language() -> None:
    assert labels.t("caseload.tab.waiting", "da", n=4) == "Venter på match (4)"
    with pytest.raises(MissingTranslation, match="ui.labels texts have no key 'no.such.key'"):
        labels.t("no.such.key", "nl")
    with pytest.raises(UnknownLanguage, match=r"lang must be da, en or nl \(got 'de'\)"):
        labels.t("caseload.tab.waiting", "de", n=4)


def test_the_catalogue_is_the_data_file_shipped_with_the_package() -> None:
    import tomllib

    path = UI / labels.FILE
    assert tomllib.loads(path.read_text(encoding="utf-8")) == labels.LABELS
    assert labels.CATALOGUE.texts is labels.LABELS
    assert not hasattr(labels, "nothing_else")
    pyproject = tomllib.loads((UI.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["setuptools"]["package-data"]["mentorkit"]
    assert any(fnmatch.fnmatch(f"ui/{labels.FILE}", pattern) for pattern in shipped)


def test_vocabularies_label_every_code_in_every_language() -> None:
    for v in vocab.ALL.values():
        for lang in ("da", "en", "nl"):
            assert all(text.strip() for text in v.labels(lang).values()), (v.name, lang)


def test_the_follow_up_plan_label_matches_the_default_plan() -> None:
    plan = FollowupPlan()
    text = labels.t("caseload.plan", "en", first=plan.first_month_contacts,
                    every=plan.interval_days)
    assert text == "Follow-up plan: 2 contacts in the first month, then every 30 days."
