"""The stage of an event a sentence tells: still ahead, or done.

A preview and the outcome of one event (nominations and winners, a vote called and a
vote won, a trial opened and a verdict) share names, figures and background, so their
sentences align; they are two stories all the same. Each side has its own vocabulary
("nominees", "will battle it out" against "won", "beat", "collected"), read here per
sentence by a small word list: a sentence with words of both stages, or of neither,
has no stage. An article's stage prevails when its staged sentences mostly agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

Stage = Literal["ahead", "done"]

_STAGES: tuple[Stage, ...] = ("ahead", "done")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_AHEAD = frozenset(
    "will shall nominated nomination nominations nominee nominees shortlist shortlisted "
    "contender contenders tipped vie vies vying upcoming forthcoming".split()
)
"""Words of an event still to come: the future, nominations, shortlists."""
_DONE = frozenset(
    "won wins winner winners beat beating defeated lost losing failed collected scooped "
    "clinched triumphed awarded convicted acquitted sentenced sealed completed".split()
)
"""Words of an event decided: results, winners, verdicts, deals closed ("elected" is
left out: "the democratically elected president" is background)."""
PREVAILING_SHARE = 2 / 3
"""Share of an article's staged sentences that must agree for its stage to prevail."""


def stage(text: str) -> Stage | None:
    """The stage the sentence tells its event at, or None when it shows neither or
    both ("the winner will receive")."""
    words = set(_WORD.findall(text.lower().replace("\u2019", "'")))
    ahead = not _AHEAD.isdisjoint(words) or any(w.endswith("'ll") for w in words)
    done = not _DONE.isdisjoint(words)
    if ahead == done:
        return None
    return "ahead" if ahead else "done"


def prevailing(texts: Iterable[str], *, minimum: int = 1) -> Stage | None:
    """The stage at least ``minimum`` of the texts tell and ``PREVAILING_SHARE`` of the
    staged ones agree on, or None."""
    found = [s for s in map(stage, texts) if s is not None]
    for candidate in _STAGES:
        count = found.count(candidate)
        if count >= minimum and count >= PREVAILING_SHARE * len(found):
            return candidate
    return None
