"""Look-alikes the rewrite tier refuses whatever its evidence.

Two articles can share names, figures and whole sentences without telling one story:
- too far apart: dated more than ``rewrite_max_days`` apart, or from one outlet more
  than ``rewrite_same_source_max_days`` apart (``dedup.text.dates``);
- template copy (stock notes filled from one form): most aligned sentence pairs that
  both carry figures share none of them, so the texts tell different facts in the
  same words;
- a follow-up (the next development, told by the same newsroom): neither article's
  lede is told in the other, and background sentences are reused word for word, or
  both come from one outlet. A retelling tells the same news, so the ledes align (a
  lede aligned with a sentence that denies or rejects what it reports is a reaction,
  and does not count); quotations and all-capital lines (link titles, app banners)
  are verbatim anywhere and do not count. Two outlets often open a story differently,
  so between them unaligned ledes alone prove nothing; one outlet updating its own
  story keeps its news;
- a preview and its outcome (nominations and winners, a match and its result): one
  article tells its event as still ahead and the other as done, each in its lede and
  in most of its sentences that show a stage (``dedup.text.stage``);
- different subjects (two bond issues, two rights plans from one form, two box-office
  charts): one article's first sentence names someone the other never mentions.
"""

from __future__ import annotations

from dedup.config import ScanConfig
from dedup.rewrites.align import Alignment, Match, matchable
from dedup.rewrites.article import Article, same_outlet, specific
from dedup.text import dates
from dedup.text.fact import Fact
from dedup.text.normalise import normalise, tokenise
from dedup.text.stage import Stage, prevailing

TEMPLATE_MIN_PAIRS = 3
TEMPLATE_CONFLICT_SHARE = 0.6
FOLLOW_UP_MIN_REUSED = 2
"""Reused background sentences (verbatim or near) that, with no lede aligned, mark a
follow-up: on BBC it refused 42 of 329 rewrite pairs, by their headlines different
developments ("Verizon seals takeover of MCI" / "Qwest may spark MCI bidding war");
no seed or SemEval pair is affected."""
LEDE_SENTENCES = 3
"""An article's lede: its first matchable sentences (headline and opening)."""
STAGE_MIN_SENTENCES = 2
"""Sentences that must tell an article's event at one stage (ahead or done), its lede
agreeing, for the article to be a preview or an outcome."""
ACRONYM = 6
"""Longest all-capital name read as an acronym that another article may spell out."""
_QUOTE_MARKS = frozenset('"\u201c\u201d\u00ab\u00bb')
_DENIALS = frozenset(
    "not no never nor deny denies denied denying reject rejects rejected rejecting "
    "dismiss dismisses dismissed dismissing".split()
)
_DESIGNATORS = frozenset(
    "ltd inc corp co plc llc ag sa nv bv gmbh group international bank holdings holding "
    "company corporation trust fund partners industries the of and".split()
)
"""Words of names that say what kind of body it is, not which ('Nomura International
Ltd', 'Yamaichi International'): they do not make two names one subject."""


def template(conflicts: int, with_figures: int) -> str | None:
    """Why the pair is template copy, or None: ``conflicts`` of the ``with_figures``
    aligned pairs that both carry figures or names contradict. Judged before the
    evidence, since the conflicting pairs are set aside from it."""
    if with_figures >= TEMPLATE_MIN_PAIRS and conflicts >= TEMPLATE_CONFLICT_SHARE * with_figures:
        return (
            f"template: {conflicts} of {with_figures} aligned sentence pairs differ in every figure"
        )
    return None


def refusal(alignment: Alignment, a: Article, b: Article) -> str | None:
    """Why a pair whose evidence makes a rewrite is a look-alike all the same (the
    first rule that applies), or None. ``alignment`` holds the agreeing pairs."""
    told = lede_told(alignment, a, b)
    reused = 0 if told else follow_up_reuse(alignment, a, b)
    if reused >= FOLLOW_UP_MIN_REUSED:
        return (
            f"follow-up: {reused} background sentences reused word for word, but neither "
            "article's lede is told in the other"
        )
    if not told and same_outlet(a, b):
        return (
            f"follow-up: both from {_outlet(a, b)}, and neither article's lede is told in the other"
        )
    staged = stage_gap(a, b)
    if staged is not None:
        first, second = sorted(staged)
        return (
            f"preview and outcome: one article tells its event as {first}, the other as "
            f"{second}, in its lede and throughout"
        )
    subject = different_subjects(a, b)
    if subject is not None:
        return f"different subjects: one article opens on {subject!r}, which the other never names"
    return None


def too_far_apart(a: Article, b: Article, config: ScanConfig) -> str | None:
    """Why two dated articles are too far apart in time to be one story, or None."""
    first, second = a.document, b.document
    days = dates.days_between(dates.parse_date(first.date), dates.parse_date(second.date))
    one_outlet = same_outlet(a, b)
    if days is None or not dates.too_far_apart(days, one_outlet, config):
        return None
    outlet = f"both from {_outlet(a, b)}, " if one_outlet else ""
    return f"follow-up: {outlet}dated {days:.1f} days apart"


def template_conflicts(alignment: Alignment, a: Article, b: Article) -> tuple[set[Match], int]:
    """Aligned sentence pairs that both carry figures and share none of them, or both
    name someone specific and share no name: the same words around different facts
    (template copy: two bond issues, two price rises), which prove nothing. With them,
    how many aligned pairs could conflict (both state figures, or both name someone)."""
    conflicts, comparable = set(), 0
    for match in alignment.matches:
        fa, fb = a.sentence_facts(match.a), b.sentence_facts(match.b)
        na, nb = _numbers(fa), _numbers(fb)
        wa, wb = _name_words(fa), _name_words(fb)
        figures, names = bool(na and nb), bool(wa and wb)
        comparable += figures or names
        if (figures and not na & nb) or (names and not wa & wb):
            conflicts.add(match)
    return conflicts, comparable


def lede_told(alignment: Alignment, a: Article, b: Article) -> bool:
    """Whether a sentence of either article's lede aligns with one of the same
    polarity: the pair tells the same news (a denial of it is a reaction)."""
    ledes_a, ledes_b = lede(a), lede(b)
    return any(
        (m.a in ledes_a or m.b in ledes_b)
        and denies(a.sentences[m.a].text) == denies(b.sentences[m.b].text)
        for m in alignment.matches
    )


def follow_up_reuse(alignment: Alignment, a: Article, b: Article) -> int:
    """How many aligned sentence pairs reuse narrative text word for word (neither
    sentence a quotation or a capital line: whichever article comes first)."""
    return sum(
        1
        for m in alignment.matches
        if m.kind != "paraphrase"
        and narrative(a.sentences[m.a].text)
        and narrative(b.sentences[m.b].text)
    )


def stage_gap(a: Article, b: Article) -> tuple[Stage, Stage] | None:
    """The two articles' stages when they differ: each article's lede and whole text
    tell the event at one stage (else None)."""
    sa, sb = _told_stage(a), _told_stage(b)
    return (sa, sb) if sa is not None and sb is not None and sa != sb else None


def different_subjects(a: Article, b: Article) -> str | None:
    """A name one article opens on (its first sentence) that the other never mentions,
    or None: a retelling says whom the news is about. Of two such names (one each
    way), the one that sorts first, whichever article is ``a``."""
    found = [name for name in (_unnamed_opening(a, b), _unnamed_opening(b, a)) if name]
    return min(found) if found else None


def _unnamed_opening(first: Article, other: Article) -> str | None:
    """The first name ``first`` opens on when ``other`` mentions none of them."""
    opening = _opening_names(first)
    if not opening:
        return None
    words = tokenise(normalise(other.document.text))
    known = set(words)
    acronyms = [n for n in opening if n.isupper() and len(_tokens(n)) == 1]
    spelled = _initialisms(words) if acronyms else set()
    if any(_mentioned(name, known, spelled) for name in opening):
        return None
    return opening[0]


def _outlet(a: Article, b: Article) -> str:
    """The outlet two articles share, as either names it (the one that sorts first)."""
    return min(a.outlet or "", b.outlet or "")


def lede(article: Article) -> set[int]:
    """Indices of the article's lede sentences."""
    return {s.index for s in matchable(article.sentences)[:LEDE_SENTENCES]}


def denies(text: str) -> bool:
    """The sentence negates, denies or rejects something ("has denied suggestions")."""
    if "n't" in text.replace("\u2019", "'"):
        return True
    return not _DENIALS.isdisjoint(tokenise(normalise(text)))


def narrative(text: str) -> bool:
    """Not a quotation and not an all-capital line: text a newsroom wrote itself."""
    return not _QUOTE_MARKS.intersection(text) and not text.isupper()


def _told_stage(article: Article) -> Stage | None:
    """The stage both the article's lede and its whole text prevail at, or None."""
    texts = [s.text for s in matchable(article.sentences)]
    first = prevailing(texts[:LEDE_SENTENCES])
    return first if first == prevailing(texts, minimum=STAGE_MIN_SENTENCES) else None


def _opening_names(article: Article) -> list[str]:
    """The specific names in the article's first sentence that have a distinctive
    word (not only 'Ltd', 'International', 'Bank')."""
    sentences = matchable(article.sentences)
    if not sentences:
        return []
    return [
        fact.text
        for fact in article.sentence_facts(sentences[0].index)
        if fact.kind == "name" and specific(fact) and _distinctive(_tokens(fact.text))
    ]


def _mentioned(name: str, known: set[str], spelled: set[str]) -> bool:
    """Whether a text (the set of its words ``known``, the initials of its word runs
    ``spelled``) names ``name``: by one of its distinctive words, its initials
    ('Harrow Instruments Ltd', 'HIL'), or, for an acronym, the words it stands for
    ('OOP', 'object-oriented programming')."""
    tokens = _tokens(name)
    if not known.isdisjoint(_distinctive(tokens)):
        return True
    if len(tokens) > 1 and "".join(w[0] for w in tokens) in known:
        return True
    return name.isupper() and len(tokens) == 1 and tokens[0] in spelled


def _tokens(name: str) -> list[str]:
    return tokenise(normalise(name))


def _distinctive(tokens: list[str]) -> set[str]:
    return {w for w in tokens if len(w) > 1 and w not in _DESIGNATORS}


def _initialisms(words: list[str]) -> set[str]:
    """The initials of every run of 2 to ``ACRONYM`` consecutive words."""
    initials = "".join(w[0] for w in words)
    return {
        initials[i : i + k] for k in range(2, ACRONYM + 1) for i in range(len(initials) - k + 1)
    }


def _numbers(found: tuple[Fact, ...]) -> set[str]:
    return {f.key for f in found if f.kind == "number"}


def _name_words(found: tuple[Fact, ...]) -> set[str]:
    """Words of the sentence's specific names ("credit suisse first boston ltd")."""
    return {w for f in found if f.kind == "name" and specific(f) for w in f.key.split()}
