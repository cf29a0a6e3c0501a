"""Wire-agency attribution: the seeds, datelines, credits, sign-offs, and ordinary words
that only look like agencies."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.text.wire import WireEvidence, agencies, detect

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _found(raw: str) -> list[tuple[str, str]]:
    return [(e.agency, e.kind) for e in detect(raw)]


def test_seed_000_credits_reuters_by_source_line_and_attribution() -> None:
    evidence = detect(_seed("000"))
    assert evidence[0] == WireEvidence("Reuters", "Source: Reuters", "credit")
    texts = [e.text for e in evidence if e.kind == "attribution"]
    assert texts[0].startswith("According to Reuters, citing its sources in the Pentagon,")
    assert {e.agency for e in evidence} == {"Reuters"}
    assert agencies(evidence) == ["Reuters"]


@pytest.mark.parametrize("prefix", ["001", "002"])
def test_seeds_that_name_no_agency_give_no_evidence(prefix: str) -> None:
    assert detect(_seed(prefix)) == ()


def test_seed_003_one_sentence_gives_reuters_and_ap() -> None:
    evidence = detect(_seed("003"))
    assert [(e.agency, e.kind) for e in evidence] == [
        ("Reuters", "attribution"),
        ("AP", "attribution"),
    ]
    assert evidence[0].text == evidence[1].text
    assert "told Reuters and the Associated Press (AP)" in evidence[0].text
    assert agencies(evidence) == ["Reuters", "AP"]


def test_seed_004_first_reported_by_and_according_to_reuters() -> None:
    evidence = detect(_seed("004"))
    assert [e.text[:30] for e in evidence] == [
        "First reported by Reuters Rega",
        "According to Reuters, about 10",
    ]
    assert agencies(evidence) == ["Reuters"]  # "The Hill" is not an agency


@pytest.mark.parametrize(
    ("raw", "agency"),
    [
        ("WASHINGTON (Reuters) - The Federal Reserve held rates.", "Reuters"),
        ("PARIS (AFP) - France said on Monday it would act.", "AFP"),
        ("BERLIN, May 3 (dpa) - Germany's cabinet met.", "dpa"),
        ("NEW YORK (AP) \u2014 Stocks fell.", "AP"),
        ("NEW DELHI, May 3 (PTI) The minister said the plan works.", "PTI"),
        ("BEIJING, March 5 (Xinhua) -- China set its target.", "Xinhua"),
        ("By Jane Doe, Reuters", "Reuters"),
        ("By Jane Doe and John Roe, AP Business Writer", "AP"),
        ("By The Associated Press", "AP"),
    ],
)
def test_bylines_and_datelines(raw: str, agency: str) -> None:
    assert _found(raw) == [(agency, "byline")]


@pytest.mark.parametrize(
    ("raw", "agency"),
    [
        ("Russian soldiers\nSource:  Reuters\n\nThe troops moved.", "Reuters"),
        ("The talks ended.\n\nReuters\n", "Reuters"),
        ("\u00a9 AFP 2024", "AFP"),
        ("Copyright 2024 The Associated Press. All rights reserved.", "AP"),
        ("Additional reporting by Reuters", "Reuters"),
        ("(Reporting by Jane Doe in London; Editing by John Roe)", "Reuters"),
        ("The Associated Press contributed to this report.", "AP"),
        ('"We will see," he said. \u2014 AFP', "AFP"),
        ("Source: PA Media", "PA"),
        ("The talks ended.\nAFP\nThe next story starts here.", "AFP"),
    ],
)
def test_credits(raw: str, agency: str) -> None:
    assert _found(raw) == [(agency, "credit")]


@pytest.mark.parametrize(
    "raw",
    [
        "Copper output fell 2 pct in May.\n Reuter\n",
        "Copper output fell 2 pct in May.\nREUTER\n",
        "Copper output fell 2 pct in May.\nREUTER^M\n",
        "Copper output fell 2 pct in May.\n   \nREUTER...^M\n",
        "Copper output fell 2 pct in May.\r\n Reuter\r\n",
        "Copper output fell 2 pct in May.\nREUITER\n",  # one letter off, as telexes are
        "Jun 13.0, Jul 7.0, total 55.8 (33.7).        REUTER\n",
        "SAO CARLOS NIL, SAO\nSIMAO NIL. REUTER11:43/VB\n",
        "SANTA FE...........21.......18...........17 REUTER\n",
        "said in a statement.\n REUTER TAW\n",
        "said in a statement.\n Reuter4\n",
    ],
)
def test_reuters_21578_sign_off(raw: str) -> None:
    assert _found(raw) == [("Reuters", "sign-off")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("It was first reported by Reuters.", ["Reuters"]),
        ("Reuters reported that talks had stalled.", ["Reuters"]),
        ("The bank told Reuters and the Associated Press.", ["Reuters", "AP"]),
        ("Citing Reuters, the paper said the deal was off.", ["Reuters"]),
        ("according to Bloomberg News, the deal is off", ["Bloomberg"]),
        ("the minister told AFP on Friday", ["AFP"]),
        ("he told the Press Association.", ["PA"]),
        ("he told the PA news agency.", ["PA"]),
        ("The official Xinhua News Agency said 12 died.", ["Xinhua"]),
        ("he told Agence France Presse.", ["AFP"]),
        ("he was quoted as saying by the Interfax news agency.", ["Interfax"]),
        ("the analyst told\nReuters.", ["Reuters"]),  # hard-wrapped wire copy
        ("haunts many bankers polled by\nReuters.\n    The capital", ["Reuters"]),
    ],
)
def test_attributions(raw: str, expected: list[str]) -> None:
    evidence = detect(raw)
    assert [e.agency for e in evidence] == expected
    assert {e.kind for e in evidence} == {"attribution"}


@pytest.mark.parametrize(
    "raw",
    [
        "She got a 5 on AP Biology.",
        "Check the AP Stylebook for the rule.",
        "according to the AP Stylebook",
        "Pittsburgh, PA 15213",
        "The PA system failed.",
        "There was a PA announcement at the station.",
        "The PA said it would not negotiate.",  # the Palestinian Authority
        "UPI payments rose in India.",
        "Michael Bloomberg said the city would bid.",
        "Mayor Bloomberg said the city would bid.",
        "Bloomberg Philanthropies gave $5m.",
        "She studied at the Johns Hopkins Bloomberg School of Public Health.",
        "The Golden Globes are awarded by the Hollywood Foreign Press Association.",
        "A Pentagon official spoke to the agency, the agency said.",
        "See https://www.afp.com/en/news and www.reuters.com/world for more.",
        "(AP Photo/Evan Vucci)",
        "REUTERS/Kevin Lamarque",
        "The story ended with a line about Canada.\nMore\n",
        "The agency was founded by Paul Julius Reuter\n",
    ],
)
def test_ordinary_words_are_not_agencies(raw: str) -> None:
    assert detect(raw) == ()


def test_evidence_is_deduplicated_and_in_text_order() -> None:
    raw = "LONDON (Reuters) - A said.\n\nB told AFP.\n\nB told AFP.\n\nSource: Reuters\n"
    assert _found(raw) == [("Reuters", "byline"), ("AFP", "attribution"), ("Reuters", "credit")]


def test_evidence_text_is_folded_and_clipped() -> None:
    long_sentence = "The minister, " + "who spoke at length, " * 30 + "told Reuters it was over."
    (evidence,) = detect("Intro.\n\n" + long_sentence.replace(", ", ",\n  "))
    assert len(evidence.text) <= 300
    assert "  " not in evidence.text and "\n" not in evidence.text
    assert "told Reuters" in evidence.text


def test_agencies_rank_credits_before_attributions_then_count() -> None:
    evidence = (
        WireEvidence("AP", "a", "attribution"),
        WireEvidence("AP", "b", "attribution"),
        WireEvidence("AFP", "c", "attribution"),
        WireEvidence("Reuters", "d", "credit"),
        WireEvidence("dpa", "e", "attribution"),
    )
    assert agencies(evidence) == ["Reuters", "AP", "AFP", "dpa"]
    assert agencies(()) == []
