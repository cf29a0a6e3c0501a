"""MinHash signatures equal datasketch's for the same shingle hashes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.fingerprint.minhash import MinHasher, estimate_jaccard, lsh_params, to_lean_minhash

hash_sets = st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=300, unique=True)


def _datasketch_signature(values: list[int], num_perm: int, seed: int) -> np.ndarray:
    reference = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda v: v)
    for value in values:
        reference.update(value)
    return reference.hashvalues


@settings(max_examples=60, deadline=None)
@given(values=hash_sets, seed=st.sampled_from([1, 7, 42]))
def test_signature_equals_datasketch_update_per_value(values: list[int], seed: int) -> None:
    ours = MinHasher(num_perm=64, seed=seed).signature(np.array(values, dtype=np.uint32))
    assert ours.dtype == np.uint32
    np.testing.assert_array_equal(ours, _datasketch_signature(values, 64, seed))


@pytest.mark.parametrize("size", [1, 160, 161, 10_000, 40_000])
def test_short_and_long_sets_give_datasketch_signatures(size: int) -> None:
    """From one shingle to a very long document, the compiled kernel equals
    datasketch's ``update_batch``."""
    rng = np.random.default_rng(size)
    values = rng.choice(2**32, size=size, replace=False).astype(np.uint32)
    ours = MinHasher().signature(values)
    reference = MinHash(num_perm=128, seed=1, hashfunc=lambda v: v)
    reference.update_batch(values.tolist())
    assert ours.dtype == np.uint32
    np.testing.assert_array_equal(ours, reference.hashvalues)


@pytest.mark.parametrize("size", [1, 160, 2_048, 2_049, 40_000])
def test_signature_by_numpy_is_the_compiled_kernels(size: int) -> None:
    """A cluster scan's client signs without numba: the same values, over one chunk
    of values and several."""
    rng = np.random.default_rng(size)
    values = rng.choice(2**32, size=size, replace=False).astype(np.uint32)
    by_numpy = MinHasher(compiled=False).signature(values)
    assert by_numpy.dtype == np.uint32
    np.testing.assert_array_equal(by_numpy, MinHasher().signature(values))


def test_signature_leaves_its_input_unchanged() -> None:
    values = np.arange(1000, 1300, dtype=np.uint32)
    MinHasher().signature(values)
    np.testing.assert_array_equal(values, np.arange(1000, 1300, dtype=np.uint32))


def test_signature_loads_as_lean_minhash_and_compares_with_datasketch() -> None:
    values = list(range(1000, 1500))
    lean = to_lean_minhash(MinHasher().signature(np.array(values, dtype=np.uint32)))
    assert isinstance(lean, LeanMinHash)
    reference = MinHash(num_perm=128, seed=1, hashfunc=lambda v: v)
    reference.update_batch(values)
    assert lean.jaccard(reference) == 1.0
    buffer = bytearray(lean.bytesize())
    lean.serialize(buffer)
    assert LeanMinHash.deserialize(buffer) == lean


def test_empty_shingle_set_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        MinHasher().signature(np.empty(0, dtype=np.uint32))


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_lsh_params_match_datasketch_minhashlsh(threshold: float) -> None:
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    assert lsh_params(threshold, 128) == (lsh.b, lsh.r)


def test_lsh_params_reject_out_of_range_threshold() -> None:
    with pytest.raises(ValueError, match="strictly between"):
        lsh_params(1.0, 128)


@settings(max_examples=40, deadline=None)
@given(shared=st.integers(50, 400), only_a=st.integers(0, 400), only_b=st.integers(0, 400))
def test_estimate_is_within_tolerance_of_exact_jaccard(
    shared: int, only_a: int, only_b: int
) -> None:
    """With 128 permutations the standard error is at most 0.044; allow 4 of them."""
    rng = np.random.default_rng(shared * 1_000_003 + only_a * 1009 + only_b)
    pool = rng.choice(2**32, size=shared + only_a + only_b, replace=False).astype(np.uint32)
    a = np.concatenate([pool[:shared], pool[shared : shared + only_a]])
    b = np.concatenate([pool[:shared], pool[shared + only_a :]])
    hasher = MinHasher()
    exact = shared / (shared + only_a + only_b)
    estimate = estimate_jaccard(hasher.signature(a), hasher.signature(b))
    assert abs(estimate - exact) <= 0.18


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (16, 42), (1024, 3)])
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    ours = MinHasher(num_perm=num_perm, seed=seed)
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    np.testing.assert_array_equal(ours._a, np.asarray(a, dtype=np.uint32))
    np.testing.assert_array_equal(ours._b, np.asarray(b, dtype=np.uint32))


def test_known_lsh_params_are_datasketchs_and_cover_the_defaults() -> None:
    from datasketch.lsh import _optimal_param

    from dedup import ScanConfig
    from dedup.copies import finder, short_candidates
    from dedup.fingerprint.minhash import KNOWN_LSH_PARAMS

    for (threshold, num_perm), params in KNOWN_LSH_PARAMS.items():
        assert _optimal_param(threshold, num_perm, 0.5, 0.5) == params
    config = ScanConfig()
    defaults = [
        config.lsh_threshold,
        config.rewrite_lsh_threshold,
        short_candidates.LSH_THRESHOLD,
        finder.near_identical(config) - finder.NEAR_INDEX_MARGIN,
    ]
    assert {(t, config.num_perm) for t in defaults} == set(KNOWN_LSH_PARAMS)


def test_a_scan_does_not_import_datasketch(tmp_path: Path) -> None:
    """Importing datasketch imports scipy.integrate: a second of start-up."""
    (tmp_path / "a.txt").write_text("one two three four five six seven eight " * 5)
    code = (
        "import sys; from dedup import scan; scan([sys.argv[1]]); "
        "print('datasketch' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
