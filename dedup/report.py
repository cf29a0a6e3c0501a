"""Report: the scan result as the versioned JSON document (``schema/scan.schema.json``).

The JSON holds no timings and no machine paths beyond the inputs' own names, so the
same input always gives byte-identical output.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import resources
from typing import Any

from dedup.candidates import Pair
from dedup.pipeline import Member, ScanResult

SCHEMA_VERSION = 1


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The JSON-ready form of a scan result."""
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
        "stories": [
            {
                "id": story.id,
                "members": [_member(m) for m in story.members],
                "pairs": [_pair(p) for p in story.pairs],
            }
            for story in result.stories
        ],
        "pairs": [_pair(p) for p in result.pairs],
        "singletons": list(result.singletons),
        "too_short": [{"document": t.doc_id, "tokens": t.tokens} for t in result.too_short],
        "skipped": [{"location": s.location, "reason": s.reason} for s in result.skipped],
    }


def to_json(result: ScanResult) -> str:
    """Deterministic JSON text (sorted members and pairs, fixed key order)."""
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema the output conforms to (shipped inside the package)."""
    text = resources.files("dedup").joinpath("schema/scan.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _member(member: Member) -> dict[str, Any]:
    return {k: v for k, v in asdict(member).items() if v is not None}


def _pair(pair: Pair) -> dict[str, Any]:
    return asdict(pair)
