"""Ingest: paths, folders, records and streams turned into Documents."""
