"""The distress phrase rules' file (`flows/distress/rules.yaml`): read at start-up (the bot
refuses to start on an invalid one, like on an invalid flow) and by `bot.py distress`."""

from __future__ import annotations

from pathlib import Path

from core.distress import DistressRules, parse_rules

DISTRESS_RULES = Path(__file__).resolve().parent.parent / "flows" / "distress" / "rules.yaml"


def read_rules(path: Path = DISTRESS_RULES) -> DistressRules | list[str]:
    """The rules, or every problem as `file:line: message` (all at once)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return [f"{path}: {error.strerror}"]
    rules = parse_rules(text)
    if isinstance(rules, DistressRules):
        return rules
    return [f"{path}:{error.line}: {error.message}" for error in rules]
