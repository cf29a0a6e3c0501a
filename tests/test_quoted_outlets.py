"""Two outlets that print the same statements tell one development (route ``same-story``
by quotations); a roundup quoting them among much else does not, nor one outlet."""

from __future__ import annotations

import pytest

import dedup

MAYOR = (
    '"We will not let a single family sleep on the street this winter, whatever it costs '
    'the city," the mayor said.'
)
CHIEF = (
    '"The shelters on Harbour Road and Mill Lane will stay open every night until the end '
    'of March," the housing chief added.'
)
FIRST = f"""Kestrel City opens its winter shelters early as temperatures fall

Kestrel City will open its two winter shelters a month early, the council announced on
Tuesday, after a cold snap left rough sleepers exposed across the old town.

{MAYOR}

The council has set aside an extra budget for heating, bedding and night staff, and
volunteers from three churches have offered to cook evening meals.

{CHIEF}

Charities welcomed the move but said more beds would be needed if the frost lasts.
"""
SECOND = f"""Cold snap: council brings shelter openings forward

Officials in Kestrel City brought the opening of homeless shelters forward by four weeks
on Tuesday, as forecasters warned of the coldest November nights in a decade.

{CHIEF}

Local businesses near the station said they had seen more people sleeping in doorways
since the weekend, and one cafe has begun handing out hot drinks at closing time.

{MAYOR}

A charity worker said the early opening would save lives but called for a permanent
day centre.
"""
OTHER_QUOTES = [
    f'"Quotation number {k} of the evening roundup speaks of another matter entirely,"'
    " a speaker said."
    for k in range(12)
]
ROUNDUP = (
    "Evening roundup: the stories of the day in Kestrel City\n\n"
    + "\n\n".join([MAYOR, CHIEF, *OTHER_QUOTES])
    + "\n\nThat is all for tonight's roundup of the city's news.\n"
)


NO_LEDE = {"rewrite_outlets_lede_cosine": 1.0}
"""The two-outlet route by ledes closed, so that only quotations can join."""


def _relation(first: str, second: str, source_a: str | None, source_b: str | None) -> str | None:
    a = dedup.Document("a", first, source=source_a)
    b = dedup.Document("b", second, source=source_b)
    comparison = dedup.compare(a, b)
    assert comparison is not None and comparison.rewrite is not None
    return comparison.relation


def test_two_outlets_printing_the_same_quotations_tell_one_story() -> None:
    comparison = dedup.compare(
        dedup.Document("a", FIRST, source="Kestrel Post"),
        dedup.Document("b", SECOND, source="Harwich Echo"),
    )
    assert comparison is not None and comparison.rewrite is not None
    assert comparison.relation == "same-story"
    assert comparison.rewrite.reason == (
        "same story from two outlets: Harwich Echo and Kestrel Post print 2 of the same quotations"
    )


@pytest.mark.parametrize(
    ("sources", "config"),
    [
        (("Kestrel Post", "kestrel post"), None),  # one outlet: its follow-up
        ((None, None), None),  # outlets unknown
        (("Kestrel Post", "Harwich Echo"), dedup.ScanConfig(**NO_LEDE, rewrite_outlets_quotes=3)),
    ],
)
def test_the_quotation_route_needs_two_known_outlets_and_enough_quotations(
    sources: tuple[str | None, str | None], config: dedup.ScanConfig | None
) -> None:
    a = dedup.Document("a", FIRST, source=sources[0])
    b = dedup.Document("b", SECOND, source=sources[1])
    comparison = dedup.compare(a, b, config)
    assert comparison is not None and comparison.relation is None


def test_a_roundup_quoting_them_among_much_else_is_not_the_story() -> None:
    assert _relation(FIRST, ROUNDUP, "Kestrel Post", "Harwich Echo") is None
    loose = dedup.ScanConfig(rewrite_outlets_quote_share=0.1)
    comparison = dedup.compare(
        dedup.Document("a", FIRST, source="Kestrel Post"),
        dedup.Document("b", ROUNDUP, source="Harwich Echo"),
        loose,
    )
    assert comparison is not None and comparison.relation == "same-story"


def test_quotation_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="rewrite_outlets_quotes"):
        dedup.ScanConfig(rewrite_outlets_quotes=0)
    with pytest.raises(ValueError, match="rewrite_outlets_quote_share"):
        dedup.ScanConfig(rewrite_outlets_quote_share=1.5)
