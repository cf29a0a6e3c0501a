"""Stories: verified pairs grouped, their origin and wire agency, and each story's ledger."""
