"""A grant target as a coordinator writes it: the rule the form and the command share.

A target is "11 male matches" or "300 participants" promised for a grant: a metric
(:data:`mentorkit.vocab.TARGET_METRICS`), optionally a group of the people counted (a person
field with a vocabulary, such as gender = male) and a whole number above zero.
:func:`target_fields` checks what was typed and returns the columns to write, or raises
:class:`~mentorkit.errors.ValidationError` naming the field; :func:`target_label` names a
target with its grant, so two grants' targets with the same label stay apart.

Example
-------
>>> target_fields(grant_id=2, metric="matches", group="gender=male", value="11")
{'grant_id': 2, 'metric': 'matches', 'group_field': 'gender', 'group_value': 'male', 'value': 11}
>>> target_fields(grant_id=2, metric="matches", group="gender=x", value=11)
Traceback (most recent call last):
...
mentorkit.errors.ValidationError: target: field 'group': 'x' is not a gender (female, male, other)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mentorkit import vocab
from mentorkit.errors import ValidationError

__all__ = ["GROUP_FIELDS", "target_fields", "target_label", "parse_group"]

#: Person fields a target may be split by, with their vocabulary.
GROUP_FIELDS: dict[str, vocab.Vocabulary] = {"gender": vocab.GENDERS, "role": vocab.ROLES}


def parse_group(text: Any) -> tuple[str | None, str | None]:
    """``"gender=male"`` as ``("gender", "male")``; empty as ``(None, None)``.

    Example
    -------
    >>> parse_group(" gender = female "), parse_group("")
    (('gender', 'female'), (None, None))
    """
    if text is None or not str(text).strip():
        return None, None
    field, sep, value = str(text).partition("=")
    if not sep or not field.strip() or not value.strip():
        raise ValidationError("target: field 'group': write it as field=value, e.g. gender=female")
    return field.strip(), value.strip()


def target_fields(*, grant_id: Any, metric: Any, value: Any, group: Any = None,
                  group_field: Any = None, group_value: Any = None) -> dict[str, Any]:
    """The target's columns from what was typed (``group`` "field=value", or the two parts).

    :class:`~mentorkit.errors.ValidationError` naming the field that is wrong.
    """
    if group is not None and str(group).strip():
        group_field, group_value = parse_group(group)
    try:
        gid = int(grant_id)
    except (TypeError, ValueError):
        raise ValidationError("target: field 'grant': choose a grant") from None
    if metric not in vocab.TARGET_METRICS:
        raise ValidationError(f"target: field 'metric': {metric!r} is not one of "
                              f"{', '.join(vocab.TARGET_METRICS.codes)}")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError("target: field 'value': a whole number is needed") from None
    if number <= 0:
        raise ValidationError("target: field 'value': must be above 0")
    if group_field in (None, "") or group_value in (None, ""):
        group_field = group_value = None
    else:
        words = GROUP_FIELDS.get(str(group_field))
        if words is None:
            raise ValidationError(f"target: field 'group': {group_field!r} is not one of "
                                  f"{', '.join(GROUP_FIELDS)}")
        if group_value not in words:
            raise ValidationError(f"target: field 'group': {group_value!r} is not a "
                                  f"{group_field} ({', '.join(words.codes)})")
    return {"grant_id": gid, "metric": str(metric), "group_field": group_field,
            "group_value": group_value, "value": number}


def target_label(target: Mapping[str, Any], grant: Mapping[str, Any], lang: vocab.Lang) -> str:
    """A target named with its grant: "Fund A: Job 2024 · Matches: Man".

    Example
    -------
    >>> target_label({"metric": "matches", "group_field": "gender", "group_value": "male"},
    ...              {"funder": "Fund A", "title": "Job 2024"}, "en")
    'Fund A: Job 2024 · Matches: Man'
    """
    metric = vocab.TARGET_METRICS.label(str(target["metric"]), lang) \
        if target["metric"] in vocab.TARGET_METRICS else str(target["metric"])
    field, value = target.get("group_field"), target.get("group_value")
    words = GROUP_FIELDS.get(str(field))
    if isinstance(value, str) and value:
        group = words.label(value, lang) if words is not None and value in words else value
        metric = f"{metric}: {group}"
    title = grant.get("title")
    name = f"{grant.get('funder')}: {title}" if isinstance(title, str) and title \
        else str(grant.get("funder"))
    return f"{name} · {metric}"
