"""Markup in an article's text, decoded as it is read in every format, as ``.html``
files are: so that a copy written out as HTML or full of ``&amp;`` is still a copy.

A text is evidently HTML when it holds at least ``HTML_MIN_TAGS`` tags of known HTML
elements, bare (``<p>``, ``</p>``, ``<br/>``) or with an attribute value (``<a
href="...">``); a plain text's "x < y", "<b>" or Reuters' "<B AND H OCEAN CARRIERS>"
never makes it so. Its text is what a browser shows, read with lxml (libxml2's HTML
parser, which trafilatura uses for ``.html`` files): scripts, styles and comments
dropped, each block element (paragraph, heading, list item, table row) a paragraph of
its own, ``<br>`` a line break, spaces folded within a line. Where libxml2 would lose
text (it gives up below 2,048 nested elements; a comment never closed hides the rest)
the text is read as plain text instead: nothing is lost.

Any other text only has its character references decoded (``&amp;``, ``&#8217;``,
``&nbsp;``), those spelled in full with their ``;``, so that "AT&T" or "&notable"
stay as written.
"""

from __future__ import annotations

import html
import re
from itertools import islice
from typing import Any

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ELEMENTS = (
    "a|abbr|address|article|aside|b|blockquote|body|br|caption|cite|code|dd|del|div|dl|"
    "dt|em|figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|iframe|img|ins|li|"
    "link|main|meta|nav|noscript|ol|p|pre|q|s|script|section|small|span|strong|style|"
    "sub|sup|table|tbody|td|tfoot|th|thead|time|title|tr|u|ul"
)
_TAG = re.compile(rf"</?(?:{_ELEMENTS})\s*/?>|<(?:{_ELEMENTS})\s[^<>=]*=[^<>]*>", re.IGNORECASE)
"""A tag of a known HTML element, bare or with an attribute value (``[^<>=]*`` up to
the first ``=`` keeps the search linear)."""
HTML_MIN_TAGS = 3
"""Tags that make a text evidently HTML: one or two may be a plain text's "<b>"."""
_BLOCKS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav "
    "ol p pre section summary table tbody tfoot thead title tr ul".split()
)
_BREAKS = {"br": ("", "\n"), "td": (" ", " "), "th": (" ", " ")} | dict.fromkeys(
    _BLOCKS, ("\n\n", "\n\n")
)
"""What each element stands for before its text and after it."""
_NO_BREAK = ("", "")
_BLANK_LINES = re.compile(r"\n{3,}")


def decode_markup(text: str) -> str:
    """The text of evident HTML, or the text with its character references decoded."""
    if "<" in text and is_evident_html(text):
        found = html_text(text)
        if found is not None:
            return found
    if "&" in text:
        return _ENTITY.sub(_decoded, text)
    return text


def _decoded(found: re.Match[str]) -> str:
    return html.unescape(found.group())


def is_evident_html(text: str) -> bool:
    """At least ``HTML_MIN_TAGS`` tags of known HTML elements."""
    return len(list(islice(_TAG.finditer(text), HTML_MIN_TAGS))) == HTML_MIN_TAGS


def html_text(markup: str) -> str | None:
    """The text a browser shows of an HTML page or fragment, one paragraph a block;
    None where libxml2 would lose some of it."""
    from lxml import etree  # imported here: only HTML in text needs it

    root = _parse(markup)
    if root is None or isinstance(root, str):
        return root
    etree.strip_elements(root, "script", "style", with_tail=False)
    parts: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        before, after = _BREAKS.get(element.tag, _NO_BREAK)
        if event == "start":
            parts += (before, element.text or "")
        else:
            parts += (after, element.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _parse(markup: str) -> Any:
    """libxml2's tree of the markup (comments dropped); "" for markup without any
    content, None where libxml2 gives up or a comment is never closed."""
    from lxml import etree
    from lxml import html as lxml_html

    opened = markup.rfind("<!--")
    if opened >= 0 and markup.find("-->", opened + 4) < 0:
        return None
    parser = lxml_html.HTMLParser(
        encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True
    )
    try:
        root = lxml_html.document_fromstring(markup.encode("utf-8", "replace"), parser=parser)
    except etree.ParserError:  # nothing but comments and white space
        return ""
    if any(error.level == etree.ErrorLevels.FATAL for error in parser.error_log):
        return None
    return root
