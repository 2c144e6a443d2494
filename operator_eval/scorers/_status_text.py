"""A final message made ready to read: clean characters, quoted and planned blocks, quotes."""

from __future__ import annotations

import bisect
import re
import sys
from typing import NamedTuple

MAX_QUOTE = 200
"""Quotes are clipped to this many characters (`ClaimedStatus.quote`)."""

_FENCE_RE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
FENCE_LINE_RE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})[^\n]*$", re.MULTILINE)
_QUOTE_LINE_RE = re.compile(r"[ \t]{0,3}>")
_LIST_ITEM_RE = re.compile(r"[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]")
# "Plan:", "Proposed change:", "Next steps:", "TODO:": what follows on the line, or in the list
# under it, is not done.
_PLAN_HEAD_RE = re.compile(
    r"[ \t#*_>`~-]*(?:(?:the|my|a|our)\s+)?(?:plan|planned|proposed|proposal|suggested"
    r"|suggestions?|recommended|recommendations?|next\s+steps?|to-?dos?|to\s+do)\b[^:\n]{0,40}:",
    re.IGNORECASE,
)
# Quotations inside a line: inline code and quoted strings. A single quote counts only when it
# does not touch a letter on the outside, so apostrophes ("it's", "hosts'") are left alone.
INLINE_QUOTE_RE = re.compile(
    r"`[^`\n]*`|\"[^\"\n]{0,300}\"|\u201c[^\u201d\n]{0,300}\u201d|\u00ab[^\u00bb\n]{0,300}\u00bb"
    r"|(?<![\w'])'(?=[^\s'])[^'\n]{0,300}(?<=[^\s'])'(?![\w'])"
)
HTML_TAG_RE = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]{0,10})(?:\s[^<>\n]{0,200})?/?>")
_HTML_BLOCK_TAGS = frozenset(
    {"p", "br", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
    | {"pre", "blockquote", "hr", "section", "dd", "dt"}
)


class Blocks(NamedTuple):
    quoted: list[tuple[int, int]]  # fenced code and blockquotes, sorted, disjoint
    plans: list[tuple[int, int]]  # planned work, sorted, disjoint


def sanitize(text: str) -> str:
    return "".join(_clean_char(c) for c in text)


def _clean_char(c: str) -> str:
    if c == "\n" or c == "\t":
        return c
    if c == "\r" or c == "\u2028" or c == "\u2029":
        return "\n"
    if c in "\u2018\u2019\u02bc\u2032":
        return "'"
    if not c.isprintable():
        return " "
    return c


def blank(s: str) -> str:
    """Spaces for every character of `s` but its newlines."""
    return "".join("\n" if c == "\n" else " " for c in s)


def blank_tag(m: re.Match[str]) -> str:
    # Block-level tags break the line, so that `<p>Status: Done</p>` is a line of its own.
    lead = "\n" if m.group(1).lower() in _HTML_BLOCK_TAGS else " "
    return lead + " " * (len(m.group()) - 1)


def clip(quote: str) -> str:
    return quote.strip()[:MAX_QUOTE].strip()


def scan_blocks(text: str) -> Blocks:
    """Find fenced code, blockquotes and planned work, in one pass over the lines."""
    quoted: list[tuple[int, int]] = []
    plans: list[tuple[int, int]] = []
    fence: tuple[int, str, int] | None = None  # start, fence character, fence length
    quote_start: int | None = None
    plan_start: int | None = None  # a plan heading's list runs from here
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        m = _FENCE_RE.match(line)
        if fence is not None:
            if (
                m is not None
                and m.group(1)[0] == fence[1]
                and len(m.group(1)) >= fence[2]
                and not line[m.end() :].strip()
            ):
                quoted.append((fence[0], end))
                fence = None
            pos = end + 1
            continue
        if m is not None:
            # An unclosed fence is not a block: a stray ``` must not hide the rest.
            fence = (pos, m.group(1)[0], len(m.group(1)))
        if _QUOTE_LINE_RE.match(line) and fence is None:
            if quote_start is None:
                quote_start = pos
        elif quote_start is not None:
            quoted.append((quote_start, pos - 1))
            quote_start = None
        if plan_start is not None and (fence is not None or not _LIST_ITEM_RE.match(line)):
            plans.append((plan_start, pos - 1))
            plan_start = None
        head = _PLAN_HEAD_RE.match(line) if fence is None else None
        if head is not None:
            if line[head.end() :].strip():
                plans.append((pos + head.end(), end))
            else:
                plan_start = end
        pos = end + 1
    if quote_start is not None:
        quoted.append((quote_start, len(text)))
    if plan_start is not None:
        plans.append((plan_start, len(text)))
    quoted.sort()
    plans.sort()
    return Blocks(quoted, plans)


def span_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    # Spans are sorted and disjoint: only the last one starting at or before `pos` can hold it.
    i = bisect.bisect_right(spans, (pos, sys.maxsize)) - 1
    if i >= 0 and spans[i][0] <= pos <= spans[i][1]:
        return spans[i]
    return None


def in_plan(blocks: Blocks, pos: int) -> bool:
    return span_at(blocks.plans, pos) is not None
