"""The bulk weighted Jaccard of the rewrite tier's cheap bound agrees with the exact one."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.rewrites import term_matrix
from dedup.rewrites.term_matrix import TermMatrix
from dedup.text.salience import SalientTerms, salient_terms, weighted_jaccard

WORDS = "niamey hangar troops pentagon airbase junta tinubu sahel wagner drone 1000 101".split()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=12), min_size=2, max_size=8))
def test_bulk_scores_equal_pairwise_scores(articles: list[list[str]]) -> None:
    terms = [salient_terms(words) for words in articles]
    pairs = np.array([(i, j) for i in range(len(terms)) for j in range(i + 1, len(terms))])
    bulk = TermMatrix(terms).weighted_jaccard(pairs)
    exact = [weighted_jaccard(terms[i], terms[j]) for i, j in pairs.tolist()]
    assert np.allclose(bulk, exact, rtol=1e-5, atol=1e-6)


def test_no_terms_and_no_pairs() -> None:
    empty = SalientTerms(np.empty(0, np.uint32), np.empty(0, np.float32))
    matrix = TermMatrix([empty, salient_terms(["niamey"])])
    assert matrix.weighted_jaccard(np.array([[0, 1]])).tolist() == [0.0]
    assert matrix.weighted_jaccard(np.empty((0, 2), np.int64)).size == 0
    assert TermMatrix([]).weighted_jaccard(np.empty((0, 2), np.int64)).size == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), max_size=50), st.integers(1, 8))
def test_columns_are_the_ranks_np_unique_gives(values: list[int], chunk: int) -> None:
    hashes = np.array(values, dtype=np.uint32)
    with patch.object(term_matrix, "COLUMN_CHUNK", chunk):
        columns = term_matrix._columns(hashes)
    assert columns.dtype == np.int32
    assert columns.tolist() == np.unique(hashes, return_inverse=True)[1].tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=12), min_size=2, max_size=8))
def test_bulk_ranks_equal_the_exact_rank(articles: list[list[str]]) -> None:
    from dedup.rewrites.candidates import rank

    terms = [salient_terms(words) for words in articles]
    pairs = np.array([(i, j) for i in range(len(terms)) for j in range(i + 1, len(terms))])
    jaccard, ranks = TermMatrix(terms).overlaps(pairs)
    exact = [rank(terms[i], terms[j]) for i, j in pairs.tolist()]
    assert np.allclose(ranks, exact, rtol=1e-5, atol=1e-6)
    assert np.array_equal(jaccard, TermMatrix(terms).weighted_jaccard(pairs))
