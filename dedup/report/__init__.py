"""Reports: the JSON schema's records and the terminal, Markdown and HTML renderings."""
