"""Terminal rendering of a scan result: a readable summary, coloured on a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from dedup.pipeline import ScanResult


def render_text(result: ScanResult, console: Console) -> None:
    """Stories with their members and pair scores, then the counts."""
    for story in result.stories:
        table = Table(
            title=f"story {story.id} · {len(story.members)} members", title_justify="left"
        )
        table.add_column("document", style="bold")
        table.add_column("tokens", justify="right")
        table.add_column("title")
        for member in story.members:
            table.add_row(member.document, str(member.tokens), member.title or "")
        console.print(table)
        for pair in story.pairs:
            console.print(
                f"  {pair.a} ~ {pair.b}: [cyan]{pair.relation}[/cyan] "
                f"jaccard {pair.jaccard:.3f} containment {pair.containment:.3f}",
                highlight=False,
            )
        console.print()
    for short in result.too_short:
        console.print(
            f"[yellow]too short to fingerprint[/yellow]: {short.doc_id} ({short.tokens} tokens)",
            highlight=False,
        )
    console.print(summary_line(result), highlight=False)


def summary_line(result: ScanResult) -> str:
    return (
        f"{result.documents} documents: {len(result.stories)} stories, "
        f"{len(result.pairs)} verified pairs, {len(result.singletons)} singletons, "
        f"{len(result.too_short)} too short, {len(result.skipped)} skipped"
    )


def timings_line(timings: dict[str, float]) -> str:
    parts = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in timings.items())
    return f"time per stage: {parts}"
