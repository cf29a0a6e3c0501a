"""Specific facts: numbers, names and dates, their divergences and shared keys.

Sentences are taken from the five seed rewrites of one Reuters story (Russian troops at
a US air base in Niger), plus a few wire-style lines for money, percentages and words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.text import sentences
from dedup.text.fact import QUALIFIER_CLASSES, Fact
from dedup.text.facts import (
    divergences,
    extract,
    name_variant,
    numbers,
    qualifier_class,
    same_fact,
    shared,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# Troop counts as the five seeds tell them.
ABOUT = "they have called on the United States to withdraw about 1,000 of its soldiers from Niger"
MORE_THAN = "Washington would comply and withdraw its more than 1,000 soldiers from the country."
NEARLY = "the rulers instructed the US to withdraw its nearly 1,000 military personnel from it."
AROUND = "The United States has around a thousand soldiers in Niger, between Niamey and Agadez"
APPROX = "The news comes as approximately 1,000 American military personnel are expected to go"
SIXTY = (
    "the junta informed the Joe Biden administration of the deployment of sixty Russian soldiers"
)
BASE_101 = (
    "The base, according to a senior Pentagon official, is Air Base 101, located next to "
    "Diori Hamani International Airport in Niamey, the capital of Niger."
)
AIRBASE_101 = (
    "The presence of Russian forces at Airbase 101, located next to Niamey\u2019s Diori Hamani "
    "International Airport, puts them in proximity to US troops."
)
HAMMANI = (
    "Russian troops have been stationed at the 101st Air Force Base, adjacent to Diori "
    "Hammani International Airport in the capital Niamey."
)
FRIDAY = "a US official told Reuters and the Associated Press (AP) on Friday (May 3), as it ended"
THURSDAY = "a U.S. official confirmed to The Hill on Thursday."
COUP = (
    "On July 26, 2023, the military overthrew the democratically elected President Mohamed "
    "Bazoum in Niger."
)


def _of(sentence: str, kind: str) -> list[Fact]:
    return [f for f in extract(sentence) if f.kind == kind]


def _texts(sentence: str, kind: str) -> list[str]:
    return [f.text for f in _of(sentence, kind)]


@pytest.mark.parametrize(
    ("sentence", "text", "key", "qualifier", "unit"),
    [
        (ABOUT, "about 1,000", "1000", "about", "soldiers"),
        (MORE_THAN, "more than 1,000", "1000", "more than", "soldiers"),
        (NEARLY, "nearly 1,000", "1000", "nearly", "personnel"),
        (AROUND, "around a thousand", "1000", "around", "soldiers"),
        (APPROX, "approximately 1,000", "1000", "approximately", "personnel"),
        (SIXTY, "sixty", "60", None, "soldiers"),
        ("a drone base built for around $100 million.", "around $100 million", "100000000",
         "around", "usd"),
        ("arranged 1.5 billion dlrs of repurchases", "1.5 billion dlrs", "1500000000", None, "usd"),
        ("It cost £5m in all.", "£5m", "5000000", None, "gbp"),
        ("a US$2.5bn deal", "US$2.5bn", "2500000000", None, "usd"),
        ("Profits rose 5.2% in May.", "5.2%", "5.2", None, "percent"),
        ("rates fell to 0.50 percent", "0.50 percent", "0.5", None, "percent"),
        ("output rose 12 pct in January", "12 pct", "12", None, "percent"),
        ("and 1 000 fans watched", "1 000", "1000", None, "fans"),
        ("twenty-five were hurt", "twenty-five", "25", None, None),
        ("and one hundred and fifty fled", "one hundred and fifty", "150", None, None),
        ("A thousand troops came.", "A thousand", "1000", None, "troops"),
        ("two dozen tanks", "two dozen", "24", None, "tanks"),
        ("the 3rd battalion", "3rd", "3", None, "battalion"),
        ("how many of the 101 U.S. troops remained", "101", "101", None, "troops"),
        ("Some 60 soldiers", "Some 60", "60", "some", "soldiers"),
        ("no more than 3 ships", "no more than 3", "3", "no more than", "ships"),
        ("at least 5 tanks", "at least 5", "5", "at least", "tanks"),
    ],
)  # fmt: skip
def test_number_text_key_qualifier_and_unit(
    sentence: str, text: str, key: str, qualifier: str | None, unit: str | None
) -> None:
    [fact] = _of(sentence, "number")
    assert (fact.text, fact.key, fact.qualifier, fact.unit) == (text, key, qualifier, unit)
    assert sentence[fact.start : fact.end] == fact.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Mali has become one of Russia's closest allies.",  # "one" as a pronoun
        "no one else came",
        "F-16 jets and COVID-19 cases",  # digits inside a name token
        "the 100m sprint",  # "m" is million only after a currency sign
        "the thousands of people and dozens of tanks",  # vague plurals
    ],
)
def test_not_numbers(sentence: str) -> None:
    assert _of(sentence, "number") == []


@pytest.mark.parametrize(
    ("qualifier", "cls"),
    [
        ("about", "approx"), ("around", "approx"), ("some", "approx"),
        ("roughly", "approx"), ("approximately", "approx"),
        ("nearly", "below"), ("almost", "below"), ("under", "below"), ("up to", "below"),
        ("fewer than", "below"), ("no more than", "below"),
        ("more than", "above"), ("over", "above"), ("at least", "above"),
        (None, "exact"),
    ],
)  # fmt: skip
def test_qualifier_classes(qualifier: str | None, cls: str) -> None:
    assert qualifier_class(qualifier) == cls
    assert qualifier is None or QUALIFIER_CLASSES[qualifier] == cls


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        (BASE_101, ["Pentagon", "Air Base 101", "Diori Hamani International Airport", "Niamey",
                    "Niger"]),
        (AIRBASE_101, ["Russian", "Airbase 101", "Niamey", "Diori Hamani International Airport",
                       "US"]),
        (HAMMANI, ["Russian", "101st Air Force Base", "Diori Hammani International Airport",
                   "Niamey"]),
        (COUP, ["President Mohamed Bazoum", "Niger"]),
        ("including U.S. Ambassador Kathleen Fitzgibbon and Maj. Gen. Kenneth Ekman",
         ["U.S. Ambassador Kathleen Fitzgibbon", "Maj. Gen. Kenneth Ekman"]),
        ("earlier American troops left the Republic of Chad", ["American", "Republic of Chad"]),
        ("said al-Assad's envoy", ["al-Assad"]),
    ],
)  # fmt: skip
def test_names(sentence: str, names: list[str]) -> None:
    assert _texts(sentence, "name") == names


def test_acronyms_with_and_without_dots_share_a_key() -> None:
    keys = {f.text: f.key for f in _of("the U.S. and the US and the UN and NATO agreed", "name")}
    assert keys == {"U.S.": "us", "US": "us", "UN": "un", "NATO": "nato"}
    assert same_fact(_of(THURSDAY, "name")[0], _of(FRIDAY, "name")[0])  # U.S. / US


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("The United States has around a thousand soldiers", ["United States"]),
        ("However, the US official clarified it.", ["US"]),
        ("According to Reuters, troops have begun to enter", ["Reuters"]),
        ("In Niger, Russian soldiers installed themselves", ["Niger", "Russian"]),
        ("\u201cThe Russians are in a separate compound,\u201d he said", ["Russians"]),
        ("I don\u2019t see a major problem here", []),
        ("Washington agreed in mid-April to withdraw", ["Washington"]),  # not a common word
        ("US troops are stationed there", ["US"]),  # an acronym, not the pronoun "us"
        ("by The Hill on Thursday", ["The Hill"]),  # inside a sentence "The" is a name
    ],
)
def test_common_opening_word_is_not_a_name(sentence: str, names: list[str]) -> None:
    assert _texts(sentence, "name") == names


@pytest.mark.parametrize(
    "headline",
    ["Russian Troops Staying At Base Housing US Forces In Niger", "RUSSIAN TROOPS ENTER AIR BASE"],
)
def test_headlines_in_title_case_or_capitals_give_no_names(headline: str) -> None:
    assert _of(headline, "name") == []


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        (FRIDAY, [("Friday", "friday"), ("May 3", "--05-03")]),
        (COUP, [("July 26, 2023", "2023-07-26")]),
        ("he said Friday, May 3, during a press conference", [("Friday", "friday"),
                                                             ("May 3", "--05-03")]),
        ("met on 12 June 2023 in Paris", [("12 June 2023", "2023-06-12")]),
        ("against Ukraine in February 2022, tensions rose", [("February 2022", "2022-02")]),
        ("left the country in December", [("December", "--12")]),
        ("Since 2020, and until the coup in 2023", [("2020", "2020"), ("2023", "2023")]),
        ("on Jan. 5 and Sept 30, 2021", [("Jan. 5", "--01-05"), ("Sept 30, 2021", "2021-09-30")]),
        ("He met Theresa May in May", [("May", "--05")]),  # the second May only
        ("May I ask?", []),
    ],
)  # fmt: skip
def test_dates(sentence: str, dates: list[tuple[str, str]]) -> None:
    assert [(f.text, f.key) for f in _of(sentence, "date")] == dates


def test_a_year_inside_a_date_is_not_a_number() -> None:
    assert _of(COUP, "number") == []
    assert _of(FRIDAY, "number") == []


def test_a_number_ending_a_name_is_also_a_number_fact() -> None:
    # Documented choice: "Air Base 101" and "101st Air Force Base" then share number:101.
    assert "name:air base 101" in shared(extract(BASE_101), extract(BASE_101))
    assert "number:101" in shared(extract(BASE_101), extract(HAMMANI))


def test_offsets_hold_and_facts_are_ordered_on_every_seed_sentence() -> None:
    for path in sorted(SEEDS.iterdir()):
        for sentence in sentences.split(path.read_text(encoding="utf-8")):
            found = extract(sentence.text)
            assert all(sentence.text[f.start : f.end] == f.text for f in found)
            assert [f.start for f in found] == sorted(f.start for f in found)


FRAGMENTS = ["May", "3", "1,000", "2023", "101st", "U.S.", "A", "a", "al-", "Gen.", "\u2019s",
             "'", "-", "$", "\u00a3", "%", "m", "about", "thousand", "Friday", "Air", "Base", ".",
             ",", " ", "\u00a0", "(", "\u201c", "of", "The", "one", "sixty"]  # fmt: skip


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_any_text_gives_facts_with_valid_offsets(text: str) -> None:
    found = extract(text)
    assert all(text[f.start : f.end] == f.text and f.start < f.end for f in found)
    assert divergences(found, found) == []


@pytest.mark.parametrize(
    ("a", "b", "pairs"),
    [
        (ABOUT, MORE_THAN, [("about 1,000", "more than 1,000")]),
        (ABOUT, NEARLY, [("about 1,000", "nearly 1,000")]),
        (MORE_THAN, NEARLY, [("more than 1,000", "nearly 1,000")]),
        (ABOUT, AROUND, []),  # about and around are one class: approx
        (AROUND, APPROX, []),
        (AROUND, SIXTY, [("around a thousand", "sixty")]),  # same unit, other value
        (BASE_101, HAMMANI, [("Diori Hamani International Airport",
                              "Diori Hammani International Airport")]),
        (BASE_101, AIRBASE_101, [("Air Base 101", "Airbase 101")]),
        (FRIDAY, THURSDAY, [("Friday", "Thursday")]),
        (COUP, "on July 27, 2023, the army took power", [("July 26, 2023", "July 27, 2023")]),
        (COUP, "On July 26 the military overthrew Bazoum", []),  # compatible dates
        ("1,000 soldiers left", "5 tanks left", []),  # different units: unrelated
        ("Reuters said 100 US soldiers left Chad", "100 US soldiers left Chad", []),
    ],
)  # fmt: skip
def test_divergences(a: str, b: str, pairs: list[tuple[str, str]]) -> None:
    assert [(x.text, y.text) for x, y in divergences(extract(a), extract(b))] == pairs


@pytest.mark.parametrize("sentence", [ABOUT, BASE_101, FRIDAY, COUP, SIXTY, HAMMANI])
def test_identical_facts_are_not_divergences(sentence: str) -> None:
    assert divergences(extract(sentence), extract(sentence)) == []


@pytest.mark.parametrize(
    ("a", "b", "variant"),
    [
        ("Diori Hamani", "Diori Hammani", True),
        ("Airbase 101", "Air Base 101", True),
        ("Mohamed Bazoum", "Mohammed Bazoum", True),
        ("Lloyd Austin", "Lloyd Austen", True),
        ("Air Base 101", "Air Base 201", False),  # a different number, not a spelling
        ("Russia", "Russian", False),  # a derived word
        ("Defense Secretary Lloyd Austin", "US Defense Secretary Lloyd Austin", False),  # a title
        ("Niger", "Nigeria", False),
        ("Austria", "Australia", False),  # two edits in nine letters
        ("Iran", "Iraq", False),
        ("Niamey", "Niamey", False),  # the same name, no variant
    ],
)
def test_name_variant(a: str, b: str, variant: bool) -> None:
    [fa], [fb] = _of(f"at {a} today", "name"), _of(f"at {b} today", "name")
    assert name_variant(fa, fb) is variant


def test_same_fact_compares_kind_and_key() -> None:
    [thousand] = _of(AROUND, "number")
    [digits] = _of(ABOUT, "number")
    assert same_fact(thousand, digits)
    assert not same_fact(thousand, _of(SIXTY, "number")[0])


def _article_facts(name: str) -> list[Fact]:
    text = next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    return [f for s in sentences.split(text) if s.boilerplate is None for f in extract(s.text)]


def test_shared_finds_the_troop_count_and_the_airport_across_two_seeds() -> None:
    common = shared(_article_facts("001"), _article_facts("002"))
    assert {"number:1000", "number:101", "name:diori hamani international airport"} <= common
    assert {"name:niger", "name:us", "name:washington"} <= common
    assert all(key.split(":")[0] in {"number", "name", "date"} for key in common)


def test_distinct_counts_a_name_inside_a_longer_one_once() -> None:
    from dedup.text.facts import distinct

    keys = {"name:revlon", "name:revlon group inc", "name:boyd jefferies", "number:46"}
    assert distinct(keys) == ("name:boyd jefferies", "name:revlon group inc", "number:46")
    # words must match whole: "rev" is not part of "revlon group inc"
    assert "name:rev" in distinct({"name:rev", "name:revlon group inc"})


def test_a_bare_year_is_not_a_specific_fact() -> None:
    from dedup.rewrites.article import specific

    [year] = _of("Profits for 1986 rose sharply", "number")
    [troops] = _of("It sent 1,990 troops again", "number")
    assert not specific(year)
    assert specific(troops)  # a figure written as one, even in the years' range


def test_unicode_case_folds_of_scale_words_are_not_scales() -> None:
    """ "thou\u017fand" (long s) and "m\u0131llion" (dotless i) match a case-insensitive
    Unicode pattern but are no scale words: they used to raise KeyError, stopping a scan."""
    for text in ("5 thou\u017fand soldiers", "5 m\u0131llion", "a thou\u017fand"):
        found = [(f.kind, f.key) for f in extract(text)]
        assert ("number", "5000") not in found and ("number", "5000000") not in found
    assert [(f.kind, f.key) for f in extract("5 thousand soldiers")] == [("number", "5000")]


def test_numbers_alone_are_the_numbers_extract_finds() -> None:
    """``facts.numbers`` (the ledger weighs every sentence's figures) skips names only."""
    texts = [s.text for p in sorted(SEEDS.glob("*.txt")) for s in sentences.split(p.read_text())]
    texts += [ABOUT, MORE_THAN, NEARLY, AROUND, APPROX, SIXTY, "On 3 May 2024, 12 ships sailed."]
    found = 0
    for text in texts:
        expected = [f for f in extract(text) if f.kind == "number"]
        assert numbers(text) == expected, text
        found += len(expected)
    assert found > 20
