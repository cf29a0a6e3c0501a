"""Made-up articles sharing one long footer: 8 short ones (near-copies of one another
through the footer alone, so one group to the scan), 24 long ones, and 6 new short ones
to check; every one with the footer on a line of its own."""

from __future__ import annotations

import random

from dedup.ingest.document import Document

FOOTER = (
    "Westport Daily is an independent newspaper owned by its readers and published by the "
    "Westport Trust, a charity founded by the families of the harbour in the winter of the "
    "great storm. Our reporters cover the city council, the courts, the port and the schools "
    "of the estuary, and we answer every letter that our readers send to the newsroom on the "
    "quay. Corrections are printed on page two of the next edition and kept online beside the "
    "story they concern. The paper takes no money from the companies it writes about, and its "
    "editors are chosen by an elected board of subscribers who meet every spring in the old "
    "market hall to hear the accounts, to question the editor and to elect two new members of "
    "the board for a term of three years."
)
WORDS = (
    "council harbour minister tariff orchard cyclone museum ballot rally grain strike bridge "
    "river vote school court budget tunnel festival railway farmer bakery hospital union "
    "ferry station garden library tower market"
).split()


def body(seed: int, words: int) -> str:
    """An article body of its own: ``words`` made-up words, in sentences on long lines."""
    rng = random.Random(seed)
    tokens = [f"{rng.choice(WORDS)}{rng.randint(0, 999)}" for _ in range(words)]
    sentences = [" ".join(tokens[i : i + 12]) + "." for i in range(0, words, 12)]
    return "\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))


def with_footer(text: str) -> str:
    return f"{text}\n\n{FOOTER}\n"


SHORT = [Document(f"old{i:02d}", with_footer(body(i, 40 + 2 * i))) for i in range(8)]
LONG = [Document(f"old{i:02d}", with_footer(body(i, 100 + 7 * i))) for i in range(8, 32)]
ARCHIVE = [*SHORT, *LONG]
"""Eight short articles (near-copies of one another through the footer alone, so one
group to the scan) and 24 long ones, every one with the footer."""
INCOMING = [Document(f"new{i}", with_footer(body(1000 + i, 36))) for i in range(6)]
