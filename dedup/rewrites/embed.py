"""Static sentence embeddings: the one module that touches ``wordllama``.

WordLlama's 256-dimensional ``l2_supercat`` token vectors and their tokenizer ship inside
its wheel, so they load from the installed package folder and nothing is downloaded: a
sentence's vector is the mean of its token vectors, L2-normalised, and the similarity of
two sentence sets is one matrix product. The model loads on the first call, once per
process, never at ``import dedup``.
"""

from __future__ import annotations

import json
import logging
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

MODEL = "l2_supercat"
DIMENSIONS = 256
SIMILARITY_DECIMALS = 6
"""Similarities are rounded to this many decimals, so that a decision taken on them does
not hang on the last bits of a floating-point sum."""

CACHE_SIZE = 65_536
"""Sentence vectors kept by ``vectors`` (1 KB each, 64 MB at most): the rewrite tier
meets an article again with each of its candidates, and the ledger each sentence of a
story again and again. On Reuters-21578 (19,043 records) 8,192 re-embedded nearly every
candidate's sentences: the rewrite stage took 88.8 s, with this many 59.9 s."""

WORD_CACHE_SIZE = 65_536
"""Words whose token ids ``token_ids`` keeps (emptied when full): news repeats its words,
so most are met again, and their tokens are looked up instead of worked out anew."""
SPACE = "\u2581"
"""SentencePiece's word mark: the tokenizer writes it for every space and before the text."""
_WORD = re.compile(f"(?<=[^{SPACE}])(?={SPACE})")
"""Where a word (a run of marks and what follows it) begins: no token of the model spans
such a place (checked when it loads), so each word's tokens are its own."""

Vectors = npt.NDArray[np.float32]
T = TypeVar("T")
Similarities = npt.NDArray[np.float64]

_recent: OrderedDict[str, Vectors] = OrderedDict()
_words: dict[str, list[int]] = {}


class EmbeddingUnavailable(RuntimeError):
    """The bundled model cannot be loaded (wordllama missing or its files incomplete)."""


@dataclass(frozen=True)
class _Model:
    """The loaded WordLlama model (untyped third-party code stays in here): its
    tokenizer, without the padding WordLlama's own batches need, and its token table."""

    tokenizer: Any
    table: Vectors
    version: str
    by_word: bool
    """Whether a sentence's tokens are its words' tokens (``_words_stand_alone``)."""
    specials: tuple[str, ...]
    """Texts the tokenizer reads as special tokens wherever they occur."""


def _import_wordllama() -> Any:
    """The ``wordllama`` package, imported without the ``logging.basicConfig`` it calls
    at import touching the application's root logger."""
    root = logging.getLogger()
    guard = None if root.handlers else logging.NullHandler()
    if guard is not None:  # basicConfig does nothing when the root has a handler
        root.addHandler(guard)
    try:
        import wordllama
    except ImportError as error:
        raise EmbeddingUnavailable(f"sentence embeddings need wordllama: {error}") from error
    finally:
        if guard is not None:
            root.removeHandler(guard)
    return wordllama


@cache
def _model() -> _Model:
    """Load the bundled model once per process, from the installed package only: the
    package folder serves as the cache, its weights/ and tokenizers/ subfolders holding
    the bundled files (the default lookup misses the tokenizer and would download)."""
    wordllama = _import_wordllama()
    try:
        inference = wordllama.WordLlama.load(
            config=MODEL,
            dim=DIMENSIONS,
            cache_dir=Path(wordllama.__file__).parent,
            disable_download=True,
        )
    except (OSError, ValueError) as error:
        raise EmbeddingUnavailable(f"the bundled {MODEL} model did not load: {error}") from error
    tokenizer = type(inference.tokenizer).from_str(inference.tokenizer.to_str())
    tokenizer.no_padding()
    tokenizer.no_truncation()
    table = np.ascontiguousarray(inference.embedding, dtype=np.float32)
    described = json.loads(tokenizer.to_str())
    specials = tuple(added["content"] for added in described.get("added_tokens", []))
    by_word = _words_stand_alone(described)
    return _Model(tokenizer, table, str(wordllama.__version__), by_word, specials)


def _words_stand_alone(described: dict[str, Any]) -> bool:
    """Whether the tokenizer is the SentencePiece BPE that ``token_ids`` reads word by
    word: every space written as the mark and one mark before the text, no
    pre-tokenizer (so the library runs BPE over the whole sentence, its slow path), and
    no token with a mark after another character, so no merge crosses into a word."""
    expected = [
        {"type": "Prepend", "prepend": SPACE},
        {"type": "Replace", "pattern": {"String": " "}, "content": SPACE},
    ]
    normalizer = described.get("normalizer") or {}
    model = described.get("model") or {}
    vocabulary = model.get("vocab") or {}
    return (
        normalizer.get("normalizers") == expected
        and described.get("pre_tokenizer") is None
        and model.get("type") == "BPE"
        and model.get("dropout") is None
        and not any(re.search(f"[^{SPACE}]{SPACE}", token) for token in vocabulary)
    )


def model_version() -> str:
    """``wordllama <version> <model>-<dimensions>``: what produced the vectors."""
    return f"wordllama {_model().version} {MODEL}-{DIMENSIONS}"


def embed(sentences: Sequence[str]) -> Vectors:
    """One L2-normalised float32 row per sentence (a zero row for a sentence without
    tokens). The same sentence gives the same bytes whatever batch it is in: the token
    vectors are summed one token after another, and padding adds exact zeros."""
    if not sentences:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _model()
    raw = _mean_rows(model.table, token_ids(sentences)).astype(np.float64)
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    unit: npt.NDArray[np.float64] = np.divide(raw, norms, out=np.zeros_like(raw), where=norms > 0)
    return unit.astype(np.float32)


def token_ids(sentences: Sequence[str]) -> list[list[int]]:
    """The model's token ids of each sentence, as its tokenizer gives them. The library
    runs BPE over a whole sentence (the model has no pre-tokenizer), about 70 µs a
    sentence; where no token spans two words (``_words_stand_alone``) a sentence's
    tokens are its words' tokens, each word's worked out once: about 14 µs."""
    model = _model()
    if not model.by_word:
        return [
            e.ids for e in model.tokenizer.encode_batch(list(sentences), add_special_tokens=False)
        ]
    return [_sentence_ids(model, sentence) for sentence in sentences]


def _sentence_ids(model: _Model, sentence: str) -> list[int]:
    """One sentence's token ids, word by word (by the tokenizer itself where it is empty
    or names a special token, which the tokenizer matches before anything else)."""
    if not sentence or any(special in sentence for special in model.specials):
        return list(model.tokenizer.encode(sentence, add_special_tokens=False).ids)
    ids: list[int] = []
    for word in _WORD.split(SPACE + sentence.replace(" ", SPACE)):
        found = _words.get(word)
        if found is None:
            if len(_words) >= WORD_CACHE_SIZE:
                _words.clear()
            found = _words[word] = [token.id for token in model.tokenizer.model.tokenize(word)]
        ids.extend(found)
    return ids


def _mean_rows(table: Vectors, ids: list[list[int]]) -> Vectors:
    """The mean of each sentence's token rows of ``table`` (a zero row for a sentence
    without tokens), as WordLlama pools them, without padding every sentence of a batch
    to the longest: one sparse product whose rows add their tokens' vectors one after
    another in float32, as WordLlama's padded sum does (padding adds exact zeros), so
    the vectors are the same to the bit."""
    from scipy.sparse import csr_matrix  # with the model, never at import

    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    columns = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
    np.clip(columns, 0, len(table) - 1, out=columns)  # as WordLlama clamps unknown ids
    pointers = np.concatenate(([0], np.cumsum(lengths)))
    counts = csr_matrix(
        (np.ones(len(columns), dtype=np.float32), columns, pointers), shape=(len(ids), len(table))
    )
    sums = np.asarray(counts @ table, dtype=np.float32)
    means: Vectors = sums / np.maximum(lengths, 1).astype(np.float32)[:, np.newaxis]
    return means


def recent(cache: OrderedDict[str, T], keys: Sequence[str], size: int) -> list[T]:
    """The values of ``keys`` (all in ``cache``), each marked as just used; then the
    least recently used beyond ``size`` are dropped: an LRU cache filled in batches."""
    found = []
    for key in keys:
        cache.move_to_end(key)
        found.append(cache[key])
    while len(cache) > size:
        cache.popitem(last=False)
    return found


def vectors(sentences: Sequence[str]) -> Vectors:
    """``embed(sentences)``, embedding in one batch only the sentences not met among the
    last ``CACHE_SIZE`` (rows are batch-independent, so the result is the same)."""
    missing = list(dict.fromkeys(s for s in sentences if s not in _recent))
    for sentence, row in zip(missing, embed(missing), strict=True):
        _recent[sentence] = row
    rows = recent(_recent, sentences, CACHE_SIZE)
    if not rows:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.stack(rows)


def similarity_matrix(a: Vectors, b: Vectors | None = None) -> Similarities:
    """Cosine similarity of every row of ``a`` with every row of ``b`` (of ``a`` with
    itself when ``b`` is None: then exactly symmetric). Computed in float64 from the
    float32 rows and rounded to ``SIMILARITY_DECIMALS``, so BLAS kernels and thread
    counts cannot change a result."""
    left = a.astype(np.float64)
    if b is None:
        product = left @ left.T
        product = (product + product.T) / 2  # exact symmetry whatever the kernel
    else:
        product = left @ b.astype(np.float64).T
    rounded: Similarities = np.clip(product, -1.0, 1.0).round(SIMILARITY_DECIMALS)
    return rounded


def vector_cosine(a: npt.NDArray[np.floating[Any]], b: npt.NDArray[np.floating[Any]]) -> float:
    """Cosine of two vectors (0 when either is zero), from float64, rounded to
    ``SIMILARITY_DECIMALS``: a lede, or a whole text, embedded as one vector."""
    left, right = a.astype(np.float64), b.astype(np.float64)
    norms = float(np.linalg.norm(left) * np.linalg.norm(right))
    return round(float(left @ right) / norms, SIMILARITY_DECIMALS) if norms > 0 else 0.0


def cosine(a: str, b: str) -> float:
    """The rounded cosine similarity of two sentences."""
    vectors = embed([a, b])
    return float(similarity_matrix(vectors[:1], vectors[1:])[0, 0])
