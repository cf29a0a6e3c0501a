"""Benchmarks and evaluation over real corpora (loaders in ``benchmarks.corpora``)."""
