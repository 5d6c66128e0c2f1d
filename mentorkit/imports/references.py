"""Turn the names and e-mails a coordinator writes into the ids the database keeps.

- a programme by its name (case ignored) or ``programme_id``;
- a referring partner by its name within the person's programme (or a partner without a
  programme), or by its id number;
- a person by e-mail (case ignored) or by ``*_id``; a mentee must have the role mentee and
  a mentor the role mentor;
- a match by ``match_id`` or by its mentee and mentor (when they have exactly one match).

When both a name and an id are given in a row they must name the same row. Unknown and
ambiguous references are problems, never guesses.

Example
-------
>>> import pandas as pd
>>> from mentorkit.store import Store
>>> store = Store.open(":memory:")
>>> _ = store.programmes.add(name="Vollsmose")
>>> raw = pd.DataFrame({"programme": ["vollsmose", "Tingbjerg"]}, index=[2, 3])
>>> ids, problems = programme_ids(Lookups(store), raw, None, required=True)
>>> ids.tolist(), [(p.row, p.rule) for p in problems]
([1, <NA>], [(3, 'unknown programme')])
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from mentorkit.imports.columns import Ref
from mentorkit.imports.parsing import flag, parse_ints
from mentorkit.model.validation import Problem
from mentorkit.store.lookups import columns

if TYPE_CHECKING:
    from pandas.api.typing import NAType

    from mentorkit.store import Store

__all__ = ["Lookups", "match_ids", "partner_ids", "person_ids", "programme_ids"]

AMBIGUOUS = -1


class Lookups:
    """The few columns of other tables that references are resolved against, read once.

    Only the rows of the store's programmes (its site scope, ``MENTORKIT_PROGRAMMES``) are
    read, and partners without a programme: a reference to another site's programme,
    partner, person or match is answered exactly as one to a row that does not exist (same
    rule, same message, same row report), so a file of guesses learns nothing about other
    sites.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def _select(self, table: str, *names: str) -> pd.DataFrame:
        return columns(self.store, table, names, scoped=True)

    @cached_property
    def programmes(self) -> pd.DataFrame:
        """id and name of every programme (of the store's scope)."""
        return self._select("programme", "id", "name")

    @cached_property
    def partners(self) -> pd.DataFrame:
        """id, name and programme of every partner the store may see: its programmes' and
        those of no programme."""
        df = columns(self.store, "partner", ("id", "name", "programme_id"))
        scope = self.store.scope
        if scope is None:
            return df
        keep = df["programme_id"].isna() | df["programme_id"].isin(sorted(scope))
        return df.loc[keep].reset_index(drop=True)

    @cached_property
    def people(self) -> pd.DataFrame:
        """id, e-mail, role and programme of every person, indexed by id."""
        df = self._select("person", "id", "email", "role", "programme_id")
        return df.set_index("id", drop=False)

    @cached_property
    def matches(self) -> pd.DataFrame:
        """id, mentee and mentor of every match, indexed by id."""
        return self._select("match", "id", "mentee_id", "mentor_id").set_index("id", drop=False)

    def programme_names(self) -> str:
        """The programmes' names, for a report's 'allowed' text."""
        names = self.programmes["name"].astype(str).tolist()
        return ", ".join(names) if names else "(no programme registered yet)"


def _folded(series: pd.Series) -> pd.Series:
    return series.astype("str").str.strip().str.casefold()


def _unique_map(keys: pd.Series, ids: pd.Series) -> dict[str, int]:
    """key -> id, with AMBIGUOUS for keys that several rows share."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "id": ids.to_numpy()}).dropna(subset=["key"])
    counts = frame["key"].value_counts()
    out = dict(zip(frame["key"], frame["id"].astype(int)))
    out.update({k: AMBIGUOUS for k in counts[counts > 1].index})
    return out


def _by_ids(raw: pd.Series, existing: pd.Index, column: str, what: str,
            problems: list[Problem]) -> pd.Series:
    ids, bad = parse_ints(raw)
    for rule, (mask, allowed) in bad.items():
        flag(problems, mask, raw, column, rule, allowed)
    unknown = ids.notna() & ~ids.isin(existing)
    flag(problems, unknown, raw, column, f"unknown {what} id",
         f"the id of a {what} in the database")
    return ids.where(~unknown)


def _combine(by_name: pd.Series | None, by_id: pd.Series | None, raw: pd.DataFrame,
             ref: Ref, problems: list[Problem]) -> pd.Series | None:
    """One id per row from a name-resolved and an id column; they must agree when both.

    None when neither is given.
    """
    if by_name is None:
        return by_id
    if by_id is None:
        return by_name
    clash = by_name.notna() & by_id.notna() & (by_name != by_id)
    flag(problems, clash, raw[ref.by_id], ref.by_id, "name and id disagree",
         f"{ref.by_name} and {ref.by_id} must name the same {ref.what}")
    return by_id.where(by_id.notna(), by_name).where(~clash)


def programme_ids(lookups: Lookups, raw: pd.DataFrame, argument: str | int | None, *,
                  required: bool) -> tuple[pd.Series, list[Problem]]:
    """Programme ids per row from ``programme``/``programme_id`` and the chosen programme."""
    problems: list[Problem] = []
    table = lookups.programmes
    names = _unique_map(_folded(table["name"]), table["id"])
    chosen: int | None = None
    if argument is not None:
        name = str(argument).strip()
        chosen = names.get(name.casefold())
        if chosen is None and name.isascii() and name.isdigit() and int(name) in set(table["id"]):
            chosen = int(name)
        if chosen is None:
            problems.append(Problem(None, "programme", "unknown programme",
                                    f"one of: {lookups.programme_names()}", str(argument)))
            return pd.Series(pd.NA, index=raw.index, dtype="Int64"), problems
    by_name = by_id = None
    if "programme" in raw.columns:
        text = raw["programme"]
        folded = _folded(text).where(text != "")
        by_name = pd.Series(folded.map(names).astype("Int64").array, index=raw.index)
        flag(problems, folded.notna() & by_name.isna(), text, "programme", "unknown programme",
             f"one of: {lookups.programme_names()}")
    if "programme_id" in raw.columns:
        by_id = _by_ids(raw["programme_id"], pd.Index(table["id"]), "programme_id",
                        "programme", problems)
    ref = Ref("programme_id", "programme", "programme_id", "programme")
    ids = _combine(by_name, by_id, raw, ref, problems)
    if ids is None:
        ids = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    if chosen is not None:
        other = ids.notna() & (ids != chosen)
        column = "programme" if "programme" in raw.columns else "programme_id"
        source = raw[column] if column in raw.columns else pd.Series("", index=raw.index)
        flag(problems, other, source, column, "another programme",
             "only the programme chosen for this import, or leave the cell empty")
        ids = ids.fillna(chosen)
    elif required and (by_name is not None or by_id is not None):
        given = pd.Series(False, index=raw.index)
        for column in ("programme", "programme_id"):
            if column in raw.columns:
                given |= raw[column] != ""
        flag(problems, ~given, pd.Series("", index=raw.index), "programme", "required",
             "the programme's name (or choose the programme when importing)")
    return ids.astype("Int64"), problems


def partner_ids(lookups: Lookups, raw: pd.Series, programmes: pd.Series
                ) -> tuple[pd.Series, list[Problem]]:
    """Partner ids from names (within the row's programme first) or id numbers."""
    problems: list[Problem] = []
    partners = lookups.partners
    folded = _folded(partners["name"])
    local = _unique_map(partners["programme_id"].astype("Int64").astype("str") + "|" + folded,
                        partners["id"])
    free = partners["programme_id"].isna()
    shared = _unique_map(folded[free], partners["id"][free])
    existing = set(partners["id"].astype(int))
    found: list[int | NAType] = []
    rules: list[str | None] = []
    for text, programme in zip(raw.astype("str").tolist(), programmes.tolist()):
        if not text:
            found.append(pd.NA)
            rules.append(None)
            continue
        key = text.strip().casefold()
        pid = local.get(f"{programme}|{key}") if programme is not pd.NA else None
        if pid is None:
            pid = shared.get(key)
        digits = text.strip().isascii() and text.strip().isdigit()
        if pid is None and digits and int(text) in existing:
            pid = int(text)
        if pid == AMBIGUOUS:
            rules.append("ambiguous partner")
            pid = None
        elif pid is None:
            rules.append("unknown partner")
        else:
            rules.append(None)
        found.append(pd.NA if pid is None else pid)
    rule_series = pd.Series(rules, index=raw.index, dtype=object)
    flag(problems, rule_series == "unknown partner", raw, "referred_by", "unknown partner",
         "the name of a partner registered for the person's programme "
         "(see the programme's partner list), or leave it empty")
    flag(problems, rule_series == "ambiguous partner", raw, "referred_by", "ambiguous partner",
         "several partners have this name: write the partner's id number instead")
    return pd.Series(pd.array(found, dtype="Int64"), index=raw.index), problems


def person_ids(lookups: Lookups, raw: pd.DataFrame, ref: Ref, role: str | None
               ) -> tuple[pd.Series | None, list[Problem]]:
    """Person ids per row from ``ref``'s e-mail and id columns (``None`` if neither)."""
    problems: list[Problem] = []
    people = lookups.people
    by_name = by_id = None
    if ref.by_name and ref.by_name in raw.columns:
        text = raw[ref.by_name]
        folded = _folded(text).where(text != "")
        emails = _unique_map(_folded(people["email"]).where(people["email"].notna()),
                             people["id"])
        found = pd.Series(folded.map(emails).astype("Int64").array, index=raw.index)
        flag(problems, folded.notna() & found.isna(), text, ref.by_name, "unknown person",
             "the e-mail address of a person registered in the database")
        ambiguous = found == AMBIGUOUS
        flag(problems, ambiguous, text, ref.by_name, "ambiguous e-mail",
             f"several people have this e-mail: use {ref.by_id} instead")
        by_name = found.where(~ambiguous.fillna(False))
    if ref.by_id in raw.columns:
        by_id = _by_ids(raw[ref.by_id], pd.Index(people["id"]), ref.by_id, "person", problems)
    ids = _combine(by_name, by_id, raw, ref, problems)
    if ids is None:                             # neither column given
        return None, problems
    if role is not None:
        roles = ids.map(people["role"]) if len(people) else ids.astype(object)
        wrong = ids.notna() & (roles != role)
        column = ref.by_name if ref.by_name and ref.by_name in raw.columns else ref.by_id
        flag(problems, wrong, raw[column], column, f"not a {role}",
             f"a person registered with the role {role}")
        ids = ids.where(~wrong)
    return ids.astype("Int64"), problems


def match_ids(lookups: Lookups, raw: pd.DataFrame, mentee: pd.Series | None,
              mentor: pd.Series | None) -> tuple[pd.Series | None, list[Problem]]:
    """Match ids per row from ``match_id`` or from the mentee and mentor of the match."""
    problems: list[Problem] = []
    matches = lookups.matches
    by_id = by_pair = None
    if "match_id" in raw.columns:
        by_id = _by_ids(raw["match_id"], pd.Index(matches["id"]), "match_id", "match",
                        problems)
    if mentee is not None and mentor is not None:
        pairs = _unique_map(matches["mentee_id"].astype("str") + "|"
                            + matches["mentor_id"].astype("str"), matches["id"])
        keys = [f"{a}|{b}" for a, b in zip(mentee.tolist(), mentor.tolist())]
        found = pd.Series(pd.array([pairs.get(k) for k in keys], dtype="Int64"),
                          index=raw.index)
        both = mentee.notna() & mentor.notna()
        column = "mentor_email" if "mentor_email" in raw.columns else "mentor_id"
        flag(problems, both & found.isna(), raw[column], column, "no such match",
             "a mentee and mentor who have a match in the database")
        ambiguous = found == AMBIGUOUS
        flag(problems, ambiguous, raw[column], column, "several matches",
             "these two have more than one match: give match_id instead")
        by_pair = found.where(~ambiguous.fillna(False))
    if by_id is None and by_pair is None:
        return None, problems
    ref = Ref("match_id", "mentee/mentor", "match_id", "match")
    if by_id is not None and by_pair is not None:
        clash = by_pair.notna() & by_id.notna() & (by_pair != by_id)
        flag(problems, clash, raw["match_id"], "match_id", "match and people disagree",
             "match_id must be the match of the mentee and mentor given in the row")
        return by_id.where(by_id.notna(), by_pair).where(~clash), problems
    return _combine(by_pair, by_id, raw, ref, problems), problems
