"""Formatted body text: what editors may write, and the one sanitizer for what is stored and shown.

The editor (django-prose-editor) offers exactly the formatting in `EDITOR_EXTENSIONS`; the
allow-list below admits the same tags and nothing else, so pasted or crafted HTML cannot add
scripts, event handlers, styles or `javascript:` links.
"""

import nh3

EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    # Content of these is dropped whole, not kept as text.
    clean_content_tags={
        "script",
        "style",
        "template",
        "iframe",
        "object",
        "noscript",
        "svg",
        "math",
    },
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def sanitize_html(html):
    """Keep only allow-listed formatting; an empty paragraph left by the editor becomes ""."""
    if not html:
        return ""
    cleaned = _cleaner.clean(str(html)).strip()
    if cleaned in {"<p></p>", "<p><br></p>"}:
        return ""
    return cleaned
