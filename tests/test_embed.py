"""Static sentence embeddings: bundled and offline, loaded lazily, byte-stable, symmetric."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from dedup.rewrites import embed

REPO = Path(__file__).resolve().parent.parent
TROOPS_A = "Russian troops have entered an air base in Niger where US forces are stationed."
TROOPS_B = "Russian military personnel entered a Niger air base where US troops are stationed."
UNRELATED = "Shares of the chipmaker fell 4 percent after it cut its sales forecast."
SENTENCES = [TROOPS_A, TROOPS_B, UNRELATED]
HOSTILE = [
    "  two  spaces,   three   and a tab\there\nand a newline ",
    "a literal \u2581 mark, \u2581\u2581 two, and one at the end\u2581",
    "special tokens <s> inside </s> the text <unk>",
    "日本語のテキスト and emoji 🎉🎉 and Ω≈ç√",
    "x" * 400,
    "1,234.5 dlrs vs 1.234,5 € (U.S.-based) -- ''quoted'' \"twice\"",
]


def _run(code: str, tmp_path: Path, **env: str) -> str:
    """Run ``code`` in a fresh interpreter with this checkout first on the path and a
    home folder of its own (no cache from earlier runs to fall back on)."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    return done.stdout.strip()


def test_the_model_loads_from_the_package_without_any_network(tmp_path: Path) -> None:
    code = """
import socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args)
    raise OSError("no network in this test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.getaddrinfo = refuse
socket.create_connection = refuse
from dedup.rewrites import embed
rows = embed.embed(["A delegation was sent to Niger last week."])
print(rows.shape, len(attempts))
"""
    assert _run(code, tmp_path, HF_HUB_OFFLINE="1") == "(1, 256) 0"
    assert not any((tmp_path / "cache").rglob("*"))  # nothing fetched into a cache


def test_importing_dedup_does_not_load_the_model(tmp_path: Path) -> None:
    code = (
        "import sys, logging, dedup, dedup.cli.app, dedup.rewrites.embed; "
        "print([m for m in ('wordllama', 'tokenizers', 'safetensors') if m in sys.modules])"
    )
    assert _run(code, tmp_path) == "[]"


def test_loading_leaves_the_application_logging_alone(tmp_path: Path) -> None:
    """wordllama configures the root logger when imported; the loader keeps it as it was."""
    code = (
        "import logging; from dedup.rewrites import embed; embed.embed(['Some words.']); "
        "print(len(logging.getLogger().handlers), logging.getLogger().level)"
    )
    assert _run(code, tmp_path) == "0 30"  # no handler, WARNING as Python starts


def test_without_wordllama_the_error_says_so(tmp_path: Path) -> None:
    code = """
import sys
sys.modules["wordllama"] = None  # as if it were not installed
from dedup.rewrites import embed
try:
    embed.embed(["Some words."])
except embed.EmbeddingUnavailable as error:
    print(error)
"""
    assert _run(code, tmp_path).startswith("sentence embeddings need wordllama")


def test_rows_are_unit_float32_and_the_same_bytes_in_any_batch() -> None:
    rows = embed.embed(SENTENCES)
    assert rows.dtype == np.float32 and rows.shape == (3, embed.DIMENSIONS)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-6)
    alone = embed.embed([TROOPS_B])
    padded = embed.embed([UNRELATED * 5, TROOPS_B])  # longer neighbour: padding
    assert alone.tobytes() == rows[1:2].tobytes() == padded[1:].tobytes()
    assert embed.vectors([TROOPS_B, TROOPS_A]).tobytes() == rows[[1, 0]].tobytes()


def test_embeddings_are_the_same_bytes_in_another_process(tmp_path: Path) -> None:
    code = (
        "import hashlib; from dedup.rewrites import embed; "
        f"print(hashlib.sha256(embed.embed({SENTENCES!r}).tobytes()).hexdigest())"
    )
    here = hashlib.sha256(embed.embed(SENTENCES).tobytes()).hexdigest()
    assert _run(code, tmp_path) == here


def test_similarity_matrix_is_symmetric_and_rounded() -> None:
    rows = embed.embed(SENTENCES)
    square = embed.similarity_matrix(rows)
    assert np.array_equal(square, square.T)
    wide, tall = embed.similarity_matrix(rows[:2], rows), embed.similarity_matrix(rows, rows[:2])
    assert np.array_equal(wide, tall.T)
    assert np.array_equal(square, np.round(square, embed.SIMILARITY_DECIMALS))
    assert np.allclose(np.diag(square), 1.0)


def test_paraphrases_across_outlets_score_above_unrelated_sentences() -> None:
    square = embed.similarity_matrix(embed.embed(SENTENCES))
    assert square[0, 1] > 0.7
    assert abs(square[0, 2]) < 0.2 and abs(square[1, 2]) < 0.2
    assert embed.cosine(TROOPS_A, TROOPS_B) == square[0, 1]


def test_a_sentence_without_tokens_is_a_zero_row() -> None:
    rows = embed.embed(["", TROOPS_A])
    assert not rows[0].any()
    assert embed.similarity_matrix(rows)[0, 1] == 0.0
    assert embed.embed([]).shape == (0, embed.DIMENSIONS)


def test_vectors_are_wordllamas_own_to_the_bit() -> None:
    """``embed`` pools token vectors without padding; the rows are those WordLlama's own
    padded batches give (normalised the same way), to the last bit, on sentences with
    repeated tokens, figures, accents, symbols outside the vocabulary and no tokens."""
    import wordllama

    sentences = [
        *SENTENCES,
        "the the the the, and the and the",
        "Niamey's €1.5bn deal — 101 troops, 15% down; naïve café ☃ \U0001d518",
        UNRELATED * 12,
        "",
        " ",
        *HOSTILE,
    ]
    model = wordllama.WordLlama.load(
        config=embed.MODEL,
        dim=embed.DIMENSIONS,
        cache_dir=Path(wordllama.__file__).parent,
        disable_download=True,
    )
    pooled = np.asarray(model.embed(sentences, norm=False), dtype=np.float64)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    theirs = np.divide(pooled, norms, out=np.zeros_like(pooled), where=norms > 0)
    assert embed.embed(sentences).tobytes() == theirs.astype(np.float32).tobytes()


def test_token_ids_are_the_tokenizers_own() -> None:
    """Tokens read word by word are those the library's tokenizer gives the whole
    sentence, on spacing, marks, special-token texts, scripts and long words; the
    second reading (from the word cache) too."""
    tokenizer = embed._model().tokenizer
    sentences = [*SENTENCES, *HOSTILE, "", " ", "the the the the, and the and the"]
    theirs = [e.ids for e in tokenizer.encode_batch(sentences, add_special_tokens=False)]
    assert embed._model().by_word
    assert embed.token_ids(sentences) == theirs
    assert embed.token_ids(sentences) == theirs


def test_a_token_spanning_two_words_turns_word_by_word_reading_off() -> None:
    """A model with a token that runs across a word's start (a mark after another
    character) cannot be read word by word: the check at load says so."""
    import json

    described = json.loads(embed._model().tokenizer.to_str())
    assert embed._words_stand_alone(described)
    described["model"]["vocab"]["a\u2581b"] = len(described["model"]["vocab"])
    assert not embed._words_stand_alone(described)
    described = json.loads(embed._model().tokenizer.to_str())
    described["pre_tokenizer"] = {"type": "Whitespace"}
    assert not embed._words_stand_alone(described)
