"""The typer command line: parses, calls one library function, renders."""
