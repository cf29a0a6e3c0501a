"""An article prepared for story verification and reporting: its lines, sentences
(with offsets) and the specific facts it states, each computed on first use. Sentence
splitting and fact extraction cost far more than fingerprinting, so they run only for
articles that are candidates of a story, and sentences only when alignment is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

import numpy as np

from dedup.ingest.document import Document
from dedup.rewrites import embed
from dedup.text import boilerplate, dates, facts, quotes, sentences, wire
from dedup.text.fact import Fact
from dedup.text.normalise import normalise, tokenise
from dedup.text.salience import SalientTerms, salient_terms, term_hash, weight
from dedup.text.sentences import Sentence

LEDE_SENTENCES = 3
"""Sentences at the top of an article (boilerplate aside) that make its lede."""
SPECIFIC_NAME_WEIGHT = 1.5
"""A one-word name is specific when rarer than zipf 3.5 (Niamey, Funaro), not when it
is a common country or party name (Britain, Labour)."""
OWN_COPY = frozenset({"byline", "sign-off"})
"""Wire evidence that the text is the agency's own copy (not a credit or a citation)."""
_DAY_DATE = re.compile(r"^(?:\d{4}|-)-\d\d-\d\d$")
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class Article:
    """A document with lazily computed lines, sentences and facts."""

    document: Document
    house_terms: frozenset[int] = frozenset()
    """Hashes of terms common in this corpus ('shr', 'revs' in wire copy): one-word
    names made of them are not specific."""
    repeated_lines: frozenset[int] = frozenset()
    """Keys of lines the corpus repeats across unrelated articles: boilerplate."""
    _sentence_facts: dict[int, tuple[Fact, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def lines(self) -> list[boilerplate.Line]:
        """The raw lines with their boilerplate verdicts, corpus-wide ones included."""
        return boilerplate.mark_repeated(
            boilerplate.split_lines(self.document.text), self.repeated_lines
        )

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(sentences.split(self.document.text, self.lines))

    @cached_property
    def facts(self) -> tuple[tuple[Fact, ...], ...]:
        """The facts of each sentence (none for boilerplate), aligned with ``sentences``."""
        return tuple(self.sentence_facts(i) for i in range(len(self.sentences)))

    def sentence_facts(self, index: int) -> tuple[Fact, ...]:
        """The facts of one sentence, read on first use: verification needs those of
        the aligned sentences only, and reading facts costs more than aligning."""
        found = self._sentence_facts.get(index)
        if found is None:
            sentence = self.sentences[index]
            found = tuple(facts.extract(sentence.text)) if sentence.boilerplate is None else ()
            self._sentence_facts[index] = found
        return found

    @cached_property
    def fact_keys(self) -> frozenset[str]:
        """The article's specific facts (rare names, figures of 10 or more, dated days),
        read line by line so that no sentence splitting is needed."""
        return line_fact_keys(self.lines, self.house_terms)

    @cached_property
    def salient(self) -> SalientTerms:
        """The salient terms of the lines that are not boilerplate."""
        tokens = [
            token
            for line in self.lines
            if line.boilerplate is None
            for token in tokenise(normalise(line.text))
        ]
        return salient_terms(tokens)

    @cached_property
    def content(self) -> tuple[str, ...]:
        """The text of the sentences that are not boilerplate, in order."""
        return tuple(s.text for s in self.sentences if s.boilerplate is None)

    @cached_property
    def content_indexes(self) -> tuple[int, ...]:
        """The sentence index of each of ``content``'s sentences."""
        return tuple(s.index for s in self.sentences if s.boilerplate is None)

    @cached_property
    def vectors(self) -> np.ndarray:
        """One unit sentence vector per content sentence (``rewrites.embed``)."""
        return embed.vectors(list(self.content))

    @cached_property
    def lede_vector(self) -> np.ndarray:
        """The vector of the article's lede: its first ``LEDE_SENTENCES`` content
        sentences embedded as one text."""
        found: np.ndarray = embed.vectors([" ".join(self.content[:LEDE_SENTENCES])])[0]
        return found

    @cached_property
    def outlet(self) -> str | None:
        """Who published the article: its ``source`` when known; else the one agency whose
        byline or sign-off it carries (wire copy is the agency's own story, as every
        Reuters-21578 body signed "Reuter" is Reuters'); else None."""
        source = (self.document.source or "").strip()
        if source:
            return source
        own = {e.agency for e in wire.detect(self.document.text) if e.kind in OWN_COPY}
        return own.pop() if len(own) == 1 else None

    @cached_property
    def quotes(self) -> tuple[frozenset[str], ...]:
        """The words of each of the article's longer quotations."""
        return quotes.quotations(self.document.text)


def same_outlet(a: Article, b: Article) -> bool:
    """Whether two articles are known to come from one outlet (``Article.outlet``)."""
    return dates.same_outlet(a.outlet, b.outlet)


def line_fact_keys(
    lines: list[boilerplate.Line], house_terms: frozenset[int] = frozenset()
) -> frozenset[str]:
    """Kind-prefixed keys ('name:diori hamani', 'number:1000') of the specific facts
    in the lines that are not boilerplate."""
    texts = [line.text for line in lines if line.boilerplate is None]
    return text_fact_keys(texts, house_terms)


def text_fact_keys(texts: list[str], house_terms: frozenset[int] = frozenset()) -> frozenset[str]:
    """``line_fact_keys`` of the article lines' texts (``boilerplate.kept_lines``)."""
    found = [fact for text in texts for fact in facts.extract(text) if specific(fact, house_terms)]
    return frozenset(facts.shared(found, found))


def specific(fact: Fact, house_terms: frozenset[int] = frozenset()) -> bool:
    """Whether a fact can tell one story from another on the same topic."""
    if fact.kind == "number":
        try:
            value = Decimal(fact.key)
        except InvalidOperation:
            return False
        if _YEAR.fullmatch(fact.key) and fact.text == fact.key:
            return False  # a bare year ("for 1986", "1986/87"), not one of the story's figures
        return abs(value) >= 10 or value != value.to_integral_value()
    if fact.kind == "date":
        return bool(_DAY_DATE.match(fact.key))
    words = fact.key.split()
    if len(words) != 1:
        return len(words) > 1
    return weight(words[0]) >= SPECIFIC_NAME_WEIGHT and term_hash(words[0]) not in house_terms
