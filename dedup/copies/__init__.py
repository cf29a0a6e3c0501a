"""The copy tier: LSH candidates verified by exact shingle Jaccard and containment."""
