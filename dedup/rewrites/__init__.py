"""The rewrite tier: candidates from salient terms, sentence alignment and the verdict."""
