"""Fingerprints: shingle sets and datasketch-compatible MinHash signatures, the hot loop."""
