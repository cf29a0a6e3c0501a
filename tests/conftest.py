"""Shared inputs for the ingest and CLI tests: a real-looking article, an exact copy,
a near copy and an unrelated article, and the JSON Schema validator."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import redis
from typer.testing import CliRunner, Result

from dedup.cli.app import app

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "dedup" / "schema" / "scan.schema.json"

# About 200 words in four paragraphs, each a full sentence (so no line looks like a
# label or other page chrome to the boilerplate rules).
ARTICLE = """\
The harbour authority of Westport confirmed on Tuesday that the long delayed flood \
barrier across the estuary will be built after all, ending three years of argument \
between the city council, the national government and the families who live along \
the low embankment.

Engineers expect the first concrete piles to be driven into the riverbed next spring, \
and the works should take four years to complete. The barrier will close automatically \
when storm surges push the tide more than two metres above its usual level, protecting \
roughly eleven thousand homes and the old market district.

Local shopkeepers, who lost most of their stock in the floods of the winter before last, \
welcomed the decision but warned that the construction traffic could keep customers away \
from the narrow streets near the quay for months at a time.

The cost of the project has risen sharply since it was first proposed. The finance \
ministry will cover two thirds of the bill, while the remainder is to come from a \
special levy on port operators and from the regional development fund, according to \
documents published by the council this week.
"""

# The same story lightly edited by a second outlet: a few words changed, one added.
NEAR_COPY = (
    ARTICLE.replace("Tuesday", "Wednesday")
    .replace("eleven thousand", "twelve thousand")
    .replace("for months at a time", "for many months")
    .replace("sharply", "steeply")
)

OTHER_ARTICLE = """\
A rare orchid that botanists had feared was extinct in the northern valleys has been \
found growing on a disused railway embankment, a volunteer survey team said on Friday.

The team counted more than forty flowering plants spread along a cutting that was \
abandoned when the branch line closed in the nineteen sixties, and asked walkers not \
to pick the flowers or publish the exact location online.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with an article, its exact copy, a near copy and an unrelated one."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "original.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "copy.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "near.md").write_text(NEAR_COPY, encoding="utf-8")
    (root / "orchid.txt").write_text(OTHER_ARTICLE, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def validate() -> Any:
    """Validate a JSON document (text) against the shipped schema; returns it parsed."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def check(text: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(text)
        validator.validate(document)
        return document

    return check


@pytest.fixture
def article() -> str:
    """About 200 words of news text, several paragraphs."""
    return ARTICLE


def write_with_non_utf8_name(folder: Path, text: str) -> None:
    """Write ``text`` to ``folder/caf\\xe9.txt`` (a latin-1 byte in the name), or skip
    the test where the file system refuses names that are not UTF-8."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(os.fsencode(folder) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    except OSError:
        pytest.skip("file system refuses names that are not UTF-8")
    os.write(fd, text.encode())
    os.close(fd)


_REDIS_DBS = itertools.cycle(range(1, 16))
"""Redis databases for the index and check tests (test_store keeps database 0)."""


@pytest.fixture(params=["sqlite", "redis"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh index location: a SQLite path, or a flushed Redis database of its own
    (for test modules that import the ``redis_url`` fixture)."""
    if request.param == "sqlite":
        return str(tmp_path / "index.db")
    base: str = request.getfixturevalue("redis_url")
    url = f"{base.rsplit('/', 1)[0]}/{next(_REDIS_DBS)}"
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


def run(*args: str | Path) -> Result:
    """The ``dedup`` CLI run in-process; any exception but its exit is a test error."""
    result = CliRunner().invoke(app, list(map(str, args)))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.stderr,
    )
    return result


def folder(root: Path, name: str, articles: dict[str, str]) -> Path:
    """A folder ``root/name`` holding one UTF-8 file per ``articles`` entry."""
    path = root / name
    path.mkdir()
    for file, text in articles.items():
        (path / file).write_text(text, encoding="utf-8")
    return path
