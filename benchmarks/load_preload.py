"""Imported by the load test's forkserver before it forks any role: what every role
would otherwise load for itself (the compiled kernels, the MinHash permutations'
library, the sentence matcher) is loaded once, and each role starts warm."""

from __future__ import annotations

from dedup import Fingerprinter, ScanConfig
from dedup.fingerprint import kernels
from dedup.rewrites.match import SentenceMatcher

kernels.load()
Fingerprinter(ScanConfig())
SentenceMatcher.default()
