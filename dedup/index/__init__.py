"""The persistent index (SQLite or Redis) and `dedup check` against it."""
