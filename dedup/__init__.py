"""dedup: find copies and rewrites of the same news story.

The pipeline, one module a stage: ingest -> boilerplate -> normalise -> shingle ->
minhash -> lsh/candidates (copies) -> salience/rewrite (rewrites: alignment, facts)
-> stories (origin, wire) -> report. ``scan`` runs it over paths,
``scan_documents`` over Documents you already have.
"""

from dedup.compare import AlignedSentence, Comparison, compare
from dedup.config import ScanConfig
from dedup.copies.pairing import Pair, Scores
from dedup.fingerprint.fingerprinter import Fingerprint, Fingerprinter, TooShort
from dedup.ingest.document import Document, Notice, Skipped
from dedup.ingest.reader import iter_documents
from dedup.pipeline import scan, scan_documents
from dedup.report.serialise import to_dict, to_json
from dedup.stories.results import Member, ScanResult, Story, StoryMember

__all__ = [
    "AlignedSentence",
    "Comparison",
    "Document",
    "Fingerprint",
    "Fingerprinter",
    "Member",
    "Notice",
    "Pair",
    "ScanConfig",
    "ScanResult",
    "Scores",
    "Skipped",
    "Story",
    "StoryMember",
    "TooShort",
    "__version__",
    "compare",
    "iter_documents",
    "scan",
    "scan_documents",
    "to_dict",
    "to_json",
]
__version__ = "0.1.0"
