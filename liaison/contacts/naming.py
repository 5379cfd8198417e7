"""Person name composition and breakdown (spec R-D11); pure functions."""

from __future__ import annotations


def compose_name(first: str, middle: str, surname: str) -> str:
    """Name := the non-blank parts joined by single spaces, truncated to 100."""
    return " ".join(p.strip() for p in (first, middle, surname) if p and p.strip())[:100]


def break_down_name(name: str) -> tuple[str, str, str]:
    """(first, middle, surname) from a person's Name: last token is the surname, the one before
    it the middle name, the rest the first name; each part truncated to 30."""
    tokens = name.split()
    if not tokens:
        return "", "", ""
    if len(tokens) == 1:
        return tokens[0][:30], "", ""
    if len(tokens) == 2:
        return tokens[0][:30], "", tokens[1][:30]
    return " ".join(tokens[:-2])[:30], tokens[-2][:30], tokens[-1][:30]
