"""Members write proposals in plain text or a little Markdown. The source is stored as typed;
the HTML shown is made once, when the text is saved, and cleaned by nh3 (a maintained
sanitiser) against a short allow-list: paragraphs, emphasis, lists, links, code, quotes.

Raw HTML in the source is not interpreted at all: Markdown's HTML handlers are switched off,
so "<b>" shows as typed. Images and headings are left out on purpose: an image would load
from anywhere (our Content Security Policy refuses it and the browser logs an error), and a
heading inside a member's text would break the page's outline; both stay as typed."""

import markdown
import nh3
from markdown.extensions import Extension

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "pre", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _PlainMarkdown(Extension):
    """Markdown without raw HTML, headings and images."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's name)
        md.preprocessors.deregister("html_block")
        # "# Title" stays a line of text: headings belong to the page, not to a member's text.
        for processor in ("hashheader", "setextheader"):
            md.parser.blockprocessors.deregister(processor)
        for pattern in ("html", "image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(pattern)


def render(text):
    """Safe HTML for `text` (Markdown source)."""
    html = markdown.markdown(text, extensions=[_PlainMarkdown()], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
