"""Wire-agency attribution: which news agencies an article credits, and where it says so.

Runs on the RAW text, before boilerplate is set aside: a "Source: Reuters" line or the
Reuters-21578 "Reuter" sign-off is evidence here, not noise. Agencies and aliases are data
(``_TABLE``); an alias counts only in a context (``_CONTEXTS``) that its trust allows, so
ordinary words ("AP Biology", "Pittsburgh, PA", "UPI payments") stay silent.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class WireEvidence:
    """One sign that ``agency`` supplied the story: the line or sentence, and its kind."""

    agency: str
    text: str
    kind: str  # "byline", "credit", "sign-off" or "attribution"


# Trust of an alias: SHAPE counts only in a byline or credit ("(PA) -", "Source: UPI");
# CUED also after a cue or before "reported" ("told AFP"); NAME also with any reporting verb.
_SHAPE, _CUED, _NAME = 0, 1, 2
_MARKS = {"": _SHAPE, "+": _CUED, "*": _NAME}
# "agency: alias | alias"; each alias is case-sensitive and marked with its trust.
_TABLE = (
    "Reuters: Reuters* | REUTERS*",
    "AP: Associated Press* | ASSOCIATED PRESS* | AP+",
    "AFP: Agence France-Presse* | Agence France Presse* | Agence France Press* | AFP+",
    "Bloomberg: Bloomberg News* | Bloomberg+",
    "dpa: Deutsche Presse-Agentur* | Deutsche Presse Agentur* | dpa+ | DPA",
    "EFE: Agencia EFE* | EFE+",
    "ANSA: ANSA+",
    "PA: Press Association* | PA Media* | PA",
    "UPI: United Press International* | UPI",
    "Xinhua: Xinhua*",
    "TASS: ITAR-TASS* | ITAR-Tass* | TASS* | Tass*",
    "Kyodo: Kyodo News* | Kyodo*",
    "Yonhap: Yonhap*",
    "ANI: Asian News International* | ANI+",
    "PTI: Press Trust of India* | PTI",
    "CP: Canadian Press* | CP",
    "Interfax: Interfax*",
)
_ALIASES: dict[str, tuple[str, int]] = {
    alias.rstrip("+*"): (agency, _MARKS[alias[-1] if alias[-1] in "+*" else ""])
    for agency, _, aliases in (row.partition(": ") for row in _TABLE)
    for alias in aliases.split(" | ")
}


def _alias_pattern() -> re.Pattern[str]:
    """Aliases grouped by first letter, longest first: ``re`` scans that far faster."""
    groups: dict[str, list[str]] = {}
    for alias in sorted(_ALIASES, key=len, reverse=True):
        groups.setdefault(alias[0], []).append(re.escape(alias[1:]))
    branches = (f"{re.escape(first)}(?:{'|'.join(rest)})" for first, rest in groups.items())
    return re.compile(f"(?:{'|'.join(branches)})" + r"(?![\w@&]|[-.]\w)")  # not "afp.com"


_ALIAS_RE = _alias_pattern()
_NEVER = "(?!)"  # a pattern that matches nothing: no guard on that side
# An acronym followed by a capitalised word is part of a name ("AP Biology", "AP Stylebook",
# "AFP Commissioner"), unless the word is one agencies use of themselves ("AP Writer").
_NAME_PART = re.compile(
    r"[ \t]+(?!(?:News|Television|TV|Radio|Staff|Writer|Media|(?:Mon|Tues|Wednes|Thurs|Fri"
    r"|Satur|Sun)day|[A-Z][a-z]+ (?:Writer|Correspondent|Editor))\b)[A-Z][a-z]"
)
# alias -> (what its left context must not end with, what its right must not start with)
_GUARDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    alias: (re.compile(left), re.compile(right))
    for alias, left, right in (
        (
            "Bloomberg",  # Michael Bloomberg, Mayor Bloomberg, Bloomberg Philanthropies
            r"(?:\b(?!(?:By|From|Via|With|And|The|According)\b)[A-Z][a-z]+\.?|\b[A-Z]\.)\s+$",
            r"\s+(?:Philanthropies|School|Foundation|L\.?P\b|Family|Cent(?:er|re)|Initiative"
            r"|Associates|Tower|Dolphins|administration|campaign)"
            r"|['\u2019]s?\s+(?:administration|campaign|foundation|bid|mayoralty|spokes)",
        ),
        ("Press Association", r"\b(?!(?:The|By|And|With)\b)[A-Z][a-z]+\s+$", _NEVER),
        ("Associated Press", _NEVER, r"\s+Style"),
        ("AP", _NEVER, r"\s+(?:exams?|class(?:es)?|courses?|tests?|credits?|scores?|students?)\b"),
    )
}
_AGENCY_WORDS = r"(?i:(?:news|press|wire)\s+(?:agency|service))"
_QUALIFIED_LEFT = re.compile(rf"\b{_AGENCY_WORDS}\s+$")  # "the news agency PA"
_QUALIFIED_RIGHT = re.compile(rf"\)?\s+{_AGENCY_WORDS}\b")  # "UPI news agency"
_AGENCY_TAIL = r"\)?(?:['\u2019]s?)?(?:\s+(?:(?:news|press|wire)\s+)?(?:agency|service))?,?\s+"

# Prose patterns see folded, lower-cased text and start with a space, so that ``re`` skips
# to spaces instead of trying every alternative at every character.
_CUES = (  # the words just before the agency ("first reported by" ends with "reported by")
    r"according to|told|tells?|telling|citing|quoting|via|reported",
    r"(?:reported|published|carried|quoted|cited|seen|obtained|reviewed|contacted|interviewed"
    r"|confirmed|revealed|saying|polled|surveyed|asked) by",
    r"(?:interviews?|conversation|statement|comments?|remarks|e-?mail|letter) (?:with|to)",
    r"(?:spoke|speaking|talked|talking|said|confirmed|wrote|explained) (?:to|with)",
    r"(?:reports?|dispatch) (?:by|from|in)",
)
_CUE = rf" (?:{'|'.join(_CUES)}) (?:(?:the|a|an) )?"  # then as in "told the French news agency"
_CUE += r"(?:(?:[\w-]+ ){0,2}(?:news|press|wire) (?:agency|service) )?$"
_LEAD_IN = r"(?:(?:has|had|have|was|is|also|first|earlier|previously|originally|exclusively"
_LEAD_IN += r"|on\s+\w+day)\s+){0,3}"
_VERBS = (
    r"said|says|quoted|quotes|cited|cites|learned|learnt|wrote|writes|noted|notes|draws?|drew"
    r"|revealed|reveals|disclosed|confirmed|understands|obtained|saw|seen|calculated|estimated"
    r"|found|contacted|tally|count|poll|survey|analysis|investigation|interview|calculations"
    r"|estimates|data|report|reporters?|reporting|journalists?|correspondents?|dispatch|story"
)
_LABEL = r"^\W*(?i:sources?|credits?|agenc(?:y|ies)|wires?|copyright|courtesy(?:\s+of)?)\b"
_PLACE = r"^\s*[A-Z][A-Z.'\u2019 -]{1,40}(?:\s*\[[^\]]{1,30}\])?(?:,[^()]{1,40})?\s*\(\s*$"
_BY = r"^\W*By\s+(?:[^,|\u2013\u2014]{1,80}?\s*(?:,|\||\u2013|\u2014|\s-|\bfor\b|\bof\b)\s*)?"
_BY += r"(?:the\s+|The\s+)?$"
_CONTRIBUTED = r" (?:reporting|information|material|input|writing) (?:by|from) (?:the )?$"
_BARE = r"^[\W\d]*(?:\(c\)[\W\d]*)?(?:the\s+|The\s+)?$"
_DASH = "-\u2013\u2014"

# (kind, trust needed, scope, left must end with, right must start with; "" for anything):
# each mention takes the first row it passes. _LINE: the text either side on the line, as
# written; _PROSE: in the paragraph, whitespace folded and lower-cased (case-insensitive
# patterns are several times slower in ``re``).
_LINE, _PROSE = 0, 1
_CONTEXTS: tuple[tuple[str, int, int, re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (kind, trust, scope, re.compile(left), re.compile(right))
    for kind, trust, scope, left, right in (
        ("byline", _SHAPE, _LINE, r"\(\s*$", rf"\s*\)\s*[{_DASH}:]"),  # PARIS (AFP) -
        ("byline", _SHAPE, _LINE, _PLACE, r"\s*\)"),  # NEW DELHI, May 3 (PTI)
        ("byline", _SHAPE, _LINE, _BY, r"(?:\s+[A-Z]\w+){0,2}\s*(?:[,|;.(]|$)"),  # By X, AP
        ("attribution", _CUED, _PROSE, _CUE, ""),  # told Reuters
        ("credit", _SHAPE, _LINE, _LABEL + r"\s*:?\s*(?:\d{4}\s+)?(?i:the\s+)?$", ""),
        ("credit", _SHAPE, _LINE, _BARE, r"(?:\s+[A-Z]\w+)?(?:[^\w.]|\d)*$"),  # (c) AFP 2024
        ("credit", _SHAPE, _LINE, rf"[.!?\"\u201d\u2019)]\s*[{_DASH}]+\s*(?:the\s+)?$", r"\W*$"),
        ("credit", _SHAPE, _PROSE, _CONTRIBUTED, ""),  # Additional reporting by Reuters
        ("credit", _SHAPE, _LINE, r"^\W*(?i:with)\s+(?:the\s+)?$", ""),  # (with AFP)
        ("credit", _SHAPE, _PROSE, "", r"\)?\s+(?:also\s+)?contributed\b"),
        ("attribution", _CUED, _PROSE, "", rf"{_AGENCY_TAIL}{_LEAD_IN}report(?:ed|s)\b"),
        ("attribution", _NAME, _PROSE, "", rf"{_AGENCY_TAIL}{_LEAD_IN}(?:{_VERBS})\b"),
    )
)
# "(Reporting by Jane Doe; Editing by John Roe)": Reuters house style.
_HOUSE_STYLE = re.compile(
    r"\b(?:[Rr]eporting|[Ww]riting|[Cc]ompiled)\s+by\s[^\n;]{1,150};(?:[^\n;]{1,150};)*"
    r"\s*[Ee]diting\s+by\s+[A-Z]"
)
# End of a Reuters-21578 story: "Reuter", "REUTER...^M", "REUTER TAW" (operator), "Reuter4",
# "... SAO SIMAO NIL. REUTER11:43/VB", "... 17 REUTER" (after a table row).
_SIGN_OFF = re.compile(
    r"(?:(.*[.!?)\"\d])\s+)?([A-Za-z]{4,8})(?:\.{2,}|\^M|\s+[A-Z]{1,3}|\d[\d:/A-Z]*)*\s*"
)
_CHAIN_GAP = re.compile(r"[ \t]*(?:[,/&+]|and|or|\()?[ \t]*(?:the[ \t]+|The[ \t]+)?")
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019)]*\s+(?=[\"\u201c\u2018(]?[A-Z0-9])")
_MAX_TEXT, _TAIL, _SIGN_OFF_TAIL = 300, 120, 60
_RANK = {"byline": 0, "credit": 1, "sign-off": 2, "attribution": 3}


class _Mention(NamedTuple):
    """An alias found in the text: where, which agency, how far it is trusted."""

    start: int
    end: int
    agency: str
    trust: int


def detect(raw: str) -> tuple[WireEvidence, ...]:
    """All wire-agency evidence in ``raw``, in text order, one per (agency, text)."""
    text = "\n".join(line.rstrip() for line in raw.replace("\r\n", "\n").split("\n"))
    found = [hit for chain in _chains(text, _mentions(text)) for hit in _classify(text, chain)]
    if "diting by" in text:  # a substring test first: the regex alone costs more
        for match in _HOUSE_STYLE.finditer(text):
            evidence = WireEvidence("Reuters", _line_text(text, match.start()), "credit")
            found.append((match.start(), evidence))
    best: dict[tuple[str, str], WireEvidence] = {}  # (agency, text) -> its strongest kind
    for _, item in sorted(found + _sign_off(text), key=lambda hit: hit[0]):
        kept = best.setdefault((item.agency, item.text), item)
        if _RANK[item.kind] < _RANK[kept.kind]:
            best[item.agency, item.text] = item
    return tuple(best.values())


def agencies(evidence: Iterable[WireEvidence]) -> list[str]:
    """Agencies by strength: byline/credit/sign-off before attribution, then count, then first."""
    items = list(evidence)
    strong = {item.agency for item in items if item.kind != "attribution"}
    count = Counter(item.agency for item in items)  # first-seen order; sorted() is stable
    return sorted(count, key=lambda agency: (agency not in strong, -count[agency]))


def _mentions(text: str) -> list[_Mention]:
    """Alias occurrences that pass their guards, with the alias's (or a qualified) trust."""
    mentions = []
    for match in _ALIAS_RE.finditer(text):
        alias, (start, end) = match.group(), match.span()
        before = text[start - 1 : start]
        if before.isalnum() or before in ("_", ".", "@", "&", "-"):  # inside a word or URL
            continue
        left, right = text[max(0, start - 40) : start], text[end : end + 40]
        agency, trust = _ALIASES[alias]
        guards = _GUARDS.get(alias)
        if guards and (guards[0].search(left) or guards[1].match(right)):
            continue  # part of another name: "Michael Bloomberg", "Bloomberg School"
        if trust < _NAME and _NAME_PART.match(right):
            continue  # "AP Biology"
        if trust < _NAME and (_ends_with(_QUALIFIED_LEFT, left) or _QUALIFIED_RIGHT.match(right)):
            trust = _NAME  # "agency" settles it: "the news agency PA", "UPI news agency"
        mentions.append(_Mention(start, end, agency, trust))
    return mentions


def _chains(text: str, mentions: list[_Mention]) -> list[list[_Mention]]:
    """Mentions joined by "and", ",", "/" ("told Reuters and the AP"), judged together."""
    chains: list[list[_Mention]] = []
    for mention in mentions:
        gap = text[chains[-1][-1].end : mention.start] if chains else "\n"
        if "\n" not in gap and _CHAIN_GAP.fullmatch(gap):
            chains[-1].append(mention)
        else:
            chains.append([mention])
    return chains


def _classify(text: str, chain: list[_Mention]) -> list[tuple[int, WireEvidence]]:
    """Evidence from one chain: for each mention, the first context its trust allows."""
    start, end = chain[0].start, chain[-1].end
    if "/" in text[start - 1 : start] + text[end : end + 1]:
        return []  # a photo credit or a path: "REUTERS/Jane Doe", "/afp/"
    line = (text[text.rfind("\n", 0, start) + 1 : start], text[end : _line_end(text, end)])
    prose = (
        " " + _squeeze(text[max(0, start - _TAIL) : start].rsplit("\n\n", 1)[-1].lower()),
        _squeeze(text[end : end + _TAIL].split("\n\n", 1)[0].lower()),
    )
    found: list[tuple[int, WireEvidence]] = []
    pending = list(chain)
    for kind, trust, scope, left_rx, right_rx in _CONTEXTS:
        left, right = prose if scope == _PROSE else line
        if not pending or not _ends_with(left_rx, left) or not right_rx.match(right):
            continue
        takers = [m for m in pending if m.trust >= trust]
        snippet = _snippet(text, start, kind) if takers else ""
        found += [(m.start, WireEvidence(m.agency, snippet, kind)) for m in takers]
        pending = [m for m in pending if m not in takers]
    return found


def _sign_off(text: str) -> list[tuple[int, WireEvidence]]:
    """The Reuters-21578 sign-off on the last line, misspelt by one letter or not."""
    start = text.rstrip().rfind("\n") + 1
    line = text[start:].strip()
    match = _SIGN_OFF.fullmatch(line[-_SIGN_OFF_TAIL:])  # the tail: a regex on it is cheap
    if match is None:
        return []
    if match[1] is None:  # the word alone on its line (and not cut by the tail)
        ok = len(line) <= _SIGN_OFF_TAIL and _near(match[2].lower(), "reuter")
    else:
        ok = match[2] in ("REUTER", "Reuter")
    return [(start, WireEvidence("Reuters", _fold(line)[:_MAX_TEXT], "sign-off"))] if ok else []


def _near(word: str, target: str) -> bool:
    """Whether ``word`` is within one insertion, deletion or substitution of ``target``."""
    if abs(len(word) - len(target)) > 1:
        return False
    i = 0
    while i < min(len(word), len(target)) and word[i] == target[i]:
        i += 1
    return word[i + 1 :] in (target[i + 1 :], target[i:]) or word[i:] == target[i + 1 :]


def _line_end(text: str, at: int) -> int:
    """Offset of the end of the line that holds offset ``at``."""
    end = text.find("\n", at)
    return len(text) if end == -1 else end


def _line_text(text: str, at: int) -> str:
    """The line that holds offset ``at``, whitespace folded, clipped."""
    return _fold(text[text.rfind("\n", 0, at) + 1 : _line_end(text, at)])[:_MAX_TEXT]


def _snippet(text: str, at: int, kind: str) -> str:
    """The evidence text: the line for a byline or credit if short, else the sentence."""
    if kind != "attribution" and len(line := _line_text(text, at)) < _MAX_TEXT:
        return line
    start = max(text.rfind("\n\n", 0, at) + 1, at - _MAX_TEXT)  # the paragraph, near ``at``
    end = text.find("\n\n", at)
    end = min(len(text) if end == -1 else end, at + _MAX_TEXT)
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() <= at:
            start = match.end()
        else:
            end = match.end()
            break
    start = max(start, min(at - _MAX_TEXT // 2, end - _MAX_TEXT))  # long: centre on ``at``
    return _fold(text[start:end])[:_MAX_TEXT]


def _ends_with(pattern: re.Pattern[str], left: str) -> bool:
    """Whether ``left`` ends with ``pattern`` (which ends in "$"), searching only its tail."""
    if pattern.pattern.startswith("^"):
        return pattern.match(left) is not None
    return pattern.search(left, max(0, len(left) - _TAIL)) is not None


def _squeeze(text: str) -> str:
    """Whitespace runs as single spaces, keeping one at either end (contexts rely on it)."""
    core = " ".join(text.split())
    return (" " if text[:1].isspace() else "") + core + (" " if text[-1:].isspace() else "")


def _fold(text: str) -> str:
    """Whitespace runs as single spaces, ends stripped."""
    return " ".join(text.split())
