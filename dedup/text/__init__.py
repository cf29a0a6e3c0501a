"""Text analysis: normalising, sentences, boilerplate lines, facts, dates and salient terms."""
