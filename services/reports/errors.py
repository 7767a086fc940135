"""What can be wrong with a /ventas request: the asker's words, or who they may see."""

from __future__ import annotations

import enum


class ReportError(enum.StrEnum):
    BAD_WORD = "bad_word"  # neither a date nor a person
    TOO_MANY_DATES = "too_many_dates"
    TOO_LONG = "too_long"
    PLAYER = "player"  # players have no sales to report
    NOT_YOURS = "not_yours"  # a seller asked for someone else's sales
    NO_USER = "no_user"


class ReportProblem(Exception):
    def __init__(self, error: ReportError, word: str = "") -> None:
        super().__init__(error, word)
        self.error = error
        self.word = word
