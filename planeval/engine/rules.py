"""The assessment rules (rules.yml): thresholds, status classes, colours and their published anchors."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

RULES_PATH = Path(__file__).with_name("rules.yml")
HISTORY_PATH = Path(__file__).with_name("rule_history.yml")


@lru_cache(maxsize=1)
def load_rules() -> dict:
    """rules.yml as a dict. Cached: treat the result as read-only."""
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def status_colour(status: str) -> str:
    return load_rules()["statuses"].get(status, {}).get("colour", "#bdbdbd")


def class_colour(ndrc_class: str) -> str:
    return load_rules()["class_colours"].get(ndrc_class, "#bdbdbd")


@lru_cache(maxsize=1)
def load_history() -> dict:
    """rule_history.yml: the dated versions of the settings, the quoted anchor texts, the reference arrivals."""
    return yaml.safe_load(HISTORY_PATH.read_text(encoding="utf-8"))


def rule_versions(history: dict | None = None) -> list[dict]:
    """The dated versions of the rule settings, oldest first."""
    return list((history or load_history()).get("rule_versions", []))


def rules_at(version: int, rules: dict | None = None, history: dict | None = None) -> dict:
    """The rules with the settings of ``version``: the current file with every later change undone, newest first.
    Only settings are replayed (the engine's code is today's); a change whose `value` is not what the file holds
    after undoing the changes after it is an error, so the history cannot drift from the settings."""
    import copy

    out = copy.deepcopy(rules or load_rules())
    for v in reversed(rule_versions(history)):
        if v["version"] <= version:
            break
        for change in reversed(v.get("changes", [])):
            if out.get(change["setting"]) != change["value"]:
                raise ValueError(f"rules.yml rule_versions: version {v['version']} sets {change['setting']} to "
                                 f"{change['value']!r}, but the setting reads {out.get(change['setting'])!r} there")
            out[change["setting"]] = copy.deepcopy(change["previous"])
    return out
