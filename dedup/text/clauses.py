"""Clauses of a sentence: the parts a long news sentence joins, any of which another
outlet may retell on its own ("Washington agreed to withdraw ... and announced that it
was sending a delegation to Niamey" / "A delegation was sent to Niger last week").

The cut is the usual shallow one, without a parser: at clause punctuation (commas,
semicolons, colons, spaced dashes) and before the coordinating conjunctions that open
a clause ("and", "but", "while", ...), the conjunction staying with the clause it
opens. A piece shorter than ``MIN_CLAUSE_WORDS`` words ("However", "Mali and
Burkina Faso") is no clause: it is joined to the piece before it (the first to the
one after), so lists and names stay whole.
"""

from __future__ import annotations

import re

MIN_CLAUSE_WORDS = 4
"""Words a clause needs (the ledger's shortest alignable sentence,
``align.MIN_SENTENCE_WORDS``): shorter pieces are phrases of a neighbouring clause."""

_BREAK = re.compile(
    r"(?<=[,;:])\s+"  # after clause punctuation
    r"|\s+(?=[\u2014\u2013-]\s)"  # before a spaced dash
    r"|\s+(?=(?:and|but|yet|while|whereas|although|though)\s)",  # before a conjunction
    flags=re.IGNORECASE,
)


def clauses(text: str) -> tuple[str, ...]:
    """The clauses of a sentence in order (the whole sentence when it has one); joined
    by single spaces they give back the sentence (its spaces folded, as in
    ``Sentence.text``)."""
    merged: list[str] = []
    for piece in _BREAK.split(text):
        if not piece:
            continue
        if merged and min(len(merged[-1].split()), len(piece.split())) < MIN_CLAUSE_WORDS:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return tuple(merged) if len(merged) > 1 else (text,)
