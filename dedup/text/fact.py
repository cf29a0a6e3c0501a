"""The fact record (a number, date or name as a sentence writes it), built cheaply, and
the common words no fact is made of."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Span = tuple[int, int]
Token = re.Match[str]
Kind = Literal["number", "name", "date"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One specific fact as written (``sentence[start:end] == text``) and its key."""

    kind: Kind
    text: str
    key: str
    qualifier: str | None
    unit: str | None
    start: int
    end: int


# The slots' own setters: Fact's frozen __init__ sets each through object.__setattr__.
_SET_KIND, _SET_TEXT, _SET_KEY, _SET_QUALIFIER, _SET_UNIT, _SET_START, _SET_END = (
    vars(Fact)[name].__set__ for name in Fact.__slots__
)


QUALIFIER_CLASSES = {q: c for c, qs in (
    ("approx", "about,around,approximately,roughly,some,an estimated,estimated,circa"),
    ("below", "nearly,almost,under,just under,fewer than,less than,up to,close to,no more than,"
              "not more than,at most,as many as"),
    ("above", "more than,over,just over,well over,at least,upwards of,in excess of,"
              "no fewer than,no less than"),
) for q in qs.split(",")}  # fmt: skip


COMMON = frozenset(
    "a an the this that these those it its he she they we you i his her their our my your "
    "there here what which who whom whose when where why how if whether while although though "
    "because since as after before until unless once in on at for from by with without within "
    "into onto of to about above below under over between among through throughout during "
    "against despite following according regarding including amid amidst and or but nor so yet "
    "also however meanwhile moreover furthermore nevertheless nonetheless still thus therefore "
    "instead otherwise indeed besides additionally similarly likewise simultaneously "
    "consequently hence then now today yesterday tomorrow later earlier recently currently "
    "previously finally first next last another other some many most more much few several all "
    "any each every both either neither no not such only just even asked speaking based given "
    "is are was were be been being has have had do does did will would can could should may "
    "might must shall said says say told than per due".split()
)


def make_fact(
    kind: Kind, text: str, key: str, qualifier: str | None, unit: str | None, start: int, end: int
) -> Fact:
    """``Fact(kind, ...)`` at half the cost (the same object: equal and hashed alike)."""
    fact = object.__new__(Fact)
    _SET_KIND(fact, kind)
    _SET_TEXT(fact, text)
    _SET_KEY(fact, key)
    _SET_QUALIFIER(fact, qualifier)
    _SET_UNIT(fact, unit)
    _SET_START(fact, start)
    _SET_END(fact, end)
    return fact
