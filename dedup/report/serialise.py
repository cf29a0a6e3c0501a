"""Report: the scan result as the versioned JSON document (``schema/scan.schema.json``).

The JSON holds no timings and no machine paths beyond the inputs' own names, so the
same input always gives byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict
from importlib import resources
from typing import Any

from dedup.copies.pairing import Pair
from dedup.stories.ledger import FactDivergence, MemberLedger, SentenceGroup
from dedup.stories.results import Member, ScanResult, Story, StoryMember

SCHEMA_VERSION = 4


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The JSON-ready form of a scan result."""
    return {**_head(result), **{key: list(items) for key, items in _lists(result)}}


def to_json(result: ScanResult) -> str:
    """Deterministic JSON text (sorted members and pairs, fixed key order)."""
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"


def json_chunks(result: ScanResult) -> Iterator[str]:
    """``to_json``'s text in pieces, a story or pair at a time: at 100,000 articles
    the whole report as one dict and one string took ~300 MB more than the scan."""
    head = json.dumps(_head(result), ensure_ascii=False, indent=2)
    yield head[: -len("\n}")]
    for key, items in _lists(result):
        yield f",\n  {json.dumps(key)}: "
        yield from _json_list(items)
    yield "\n}\n"


def _json_list(items: Iterator[Any]) -> Iterator[str]:
    """A list at depth 1 of an indented document, an item at a time (JSON strings
    hold no raw newline, so an item's lines are indented by replacing them)."""
    separator = "[\n    "
    for item in items:
        yield separator + _indented(item, "    ")
        separator = ",\n    "
    yield "[]" if separator.startswith("[") else "\n  ]"


def _indented(value: Any, pad: str) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` of a value whose lines are
    indented by ``pad``, the same text, with scalars written by the C encoder: the
    pure-Python indenting encoder took longer than the ledger of a 50,000-sentence story."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = pad + "  "
        rows = (f"{inner}{_scalar(key)}: {_indented(v, inner)}" for key, v in value.items())
        return "{\n" + ",\n".join(rows) + f"\n{pad}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = pad + "  "
        return "[\n" + ",\n".join(inner + _indented(v, inner) for v in value) + f"\n{pad}]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    """A string, number, boolean or null as ``json.dumps`` writes it."""
    if isinstance(value, str):
        return _STRING(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return int.__repr__(value)
    return _ENCODER.encode(value)  # floats, NaN and Infinity as json writes them


_ENCODER = json.JSONEncoder(ensure_ascii=False)
_STRING: Callable[[str], str] = json.encoder.encode_basestring


def _head(result: ScanResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "parameters": result.config.as_dict(),
        "counts": {
            "documents": result.documents,
            "fingerprinted": result.documents - len(result.too_short),
            "stories": len(result.stories),
            "pairs": len(result.pairs),
            "singletons": len(result.singletons),
            "too_short": len(result.too_short),
            "skipped": len(result.skipped),
        },
    }


def _lists(result: ScanResult) -> Iterator[tuple[str, Iterator[Any]]]:
    """The report's lists after its head, in order, each item made when asked for."""
    yield "stories", (_story(story) for story in result.stories)
    yield "pairs", (pair_dict(p) for p in result.pairs)
    yield "singletons", iter(result.singletons)
    yield "too_short", ({"document": t.doc_id, "tokens": t.tokens} for t in result.too_short)
    yield "skipped", ({"location": s.location, "reason": s.reason} for s in result.skipped)


def schema() -> dict[str, Any]:
    """The JSON Schema the output conforms to (shipped inside the package)."""
    return load_schema("scan")


def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``dedup/schema`` (``scan``, ``check``)."""
    text = resources.files("dedup").joinpath(f"schema/{name}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _story(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "wire": story.wire,
        "origin": story.origin,
        "origin_reason": story.origin_reason,
        "members": [_story_member(m, story) for m in story.members],
        "pairs": [pair_dict(p) for p in story.pairs],
        "sentence_groups": [_group(g) for g in (story.ledger.groups if story.ledger else ())],
        "unaligned_sentences": story.ledger.unaligned if story.ledger else 0,
        "fact_divergences": [
            _divergence(d) for d in (story.ledger.fact_divergences if story.ledger else ())
        ],
    }


def _story_member(member: StoryMember, story: Story) -> dict[str, Any]:
    ledger = story.ledger.member(member.document) if story.ledger else None
    return {
        "document": member.document,
        "relation": member.relation,
        **({"via": member.via} if member.via is not None else {}),
        "scores": scores(member.pair),
        "wire_evidence": [{"agency": e.agency, "text": e.text} for e in member.wire_evidence],
        "wire_inferred_from": list(member.wire_inferred_from),
        **_ledger(ledger),
        **_member(member.member),
    }


def _ledger(ledger: MemberLedger | None) -> dict[str, Any]:
    if ledger is None:
        return {"sentences": [], "dropped": []}
    return {
        "sentences": [
            {
                "index": s.index,
                "text": s.text,
                "status": s.status,
                "group": s.group,
                "shared_with": s.shared_with,
                "score": s.score,
                "kind": s.kind,
            }
            for s in ledger.sentences
        ],
        "dropped": list(ledger.dropped),
    }


def _group(group: SentenceGroup) -> dict[str, Any]:
    return {
        "id": group.id,
        "document": group.document,
        "index": group.index,
        "members": group.members,
    }


def _divergence(record: FactDivergence) -> dict[str, Any]:
    values = [{"document": v.document, "index": v.index, "text": v.text} for v in record.values]
    return {"kind": record.kind, "values": values}


def scores(pair: Pair | None) -> dict[str, float | int]:
    """The numbers behind a relation (empty for a story's origin)."""
    if pair is None:
        return {}
    out: dict[str, float | int] = {"jaccard": pair.jaccard, "containment": pair.containment}
    if pair.edit_similarity is not None:
        out["edit_similarity"] = pair.edit_similarity
    if pair.rewrite is not None:
        out["weighted_jaccard"] = pair.rewrite.weighted_jaccard
        out["aligned_sentences"] = pair.rewrite.aligned
        out["aligned_share"] = pair.rewrite.aligned_share
        out["shared_facts"] = len(pair.rewrite.shared_facts)
    return out


def pair_dict(pair: Pair) -> dict[str, Any]:
    out: dict[str, Any] = {
        "a": pair.a,
        "b": pair.b,
        "relation": pair.relation,
        "jaccard": pair.jaccard,
        "containment": pair.containment,
    }
    if pair.edit_similarity is not None:
        out["edit_similarity"] = pair.edit_similarity
    if pair.rewrite is not None:
        ev = pair.rewrite
        out["evidence"] = {
            "reason": ev.reason,
            "weighted_jaccard": ev.weighted_jaccard,
            "aligned_sentences": ev.aligned,
            "aligned_share": ev.aligned_share,
            "shared_facts": list(ev.shared_facts),
            "examples": [{"a": x, "b": y} for x, y in ev.examples],
        }
        if ev.probability is not None and ev.features is not None:
            names = ev.features.names()
            out["evidence"]["probability"] = ev.probability
            out["evidence"]["features"] = dict(zip(names, ev.features.vector(), strict=True))
    return out


def _member(member: Member) -> dict[str, Any]:
    fields = asdict(member)
    fields.pop("document")
    return {k: v for k, v in fields.items() if v is not None}
