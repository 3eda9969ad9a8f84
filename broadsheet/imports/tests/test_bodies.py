"""HTML from other platforms into body blocks: what each part becomes."""

import pytest

from broadsheet.imports.bodies import html_to_blocks
from broadsheet.imports.ghost_bodies import lexical_to_html, mobiledoc_to_html

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def convert(html, **options):
    found = {}

    def image_for(src, alt):
        found.setdefault(src, len(found) + 1)
        return found[src]

    result = html_to_blocks(html, image_for=image_for, **options)
    return [(b["type"], b["value"]) for b in result.blocks], result.notes


def test_a_gallery_keeps_every_image_and_its_caption():
    blocks, _ = convert(
        '<figure class="wp-block-gallery">'
        '<figure class="wp-block-image"><img src="/a.png" alt="A"></figure>'
        '<figure class="wp-block-image"><img src="/b.png" alt="B">'
        "<figcaption>Second</figcaption></figure>"
        "<figcaption>Both plants</figcaption></figure>"
    )
    assert [kind for kind, _ in blocks] == ["image", "image", "paragraph"]
    assert blocks[1][1]["caption"] == "Second"
    assert "Both plants" in blocks[2][1]


def test_unsafe_html_is_removed_and_nothing_else_is_lost():
    blocks, notes = convert(
        '<p>Safe <a href="javascript:alert(1)">link</a> <b onclick="x()">bold</b>'
        "<script>steal()</script><style>p{}</style></p>"
        '<iframe src="https://tracker.example/frame"></iframe>'
        "<table><tr><th>Chip</th><th>Output</th></tr><tr><td>A</td><td>3</td></tr></table>"
        f"<h2>{'Long heading ' * 12}</h2>"
        f"<blockquote><p>{'Quoted words. ' * 70}</p></blockquote>"
    )
    html = " ".join(str(value) for _, value in blocks)
    assert "javascript" not in html and "onclick" not in html
    assert "steal" not in html and "p{}" not in html
    assert blocks[0] == ("paragraph", "<p>Safe link <b>bold</b></p>")
    assert "tracker.example" in blocks[1][1]  # a link, not a frame
    assert ("paragraph", "<p>Chip | Output</p>") in blocks
    assert any(kind == "paragraph" and "<b>Long heading" in v for kind, v in blocks)
    assert notes == [
        "An embed from tracker.example became a link.",
        "A table was kept as text, one paragraph per row.",
        "A heading over 120 characters became a bold paragraph.",
        "A quotation over 800 characters became paragraphs.",
    ]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<hr>", [("divider", None)]),
        ("<h1>Top</h1><h4>Low</h4>", [
            ("subheading", {"level": "h2", "text": "Top"}),
            ("subheading", {"level": "h3", "text": "Low"}),
        ]),
        ('<pre><code class="language-js">a &lt; b</code></pre>', [
            ("code", {"language": "js", "code": "a < b"}),
        ]),
        (f"<p>{YOUTUBE}</p>", [
            ("embed", {"url": YOUTUBE, "caption": ""}),
        ]),
        ("<p>   </p><p>&nbsp;</p>", []),
    ],
    ids=["hr", "headings", "code", "bare-url", "empty"],
)  # fmt: skip
def test_each_part_becomes_its_block(html, expected):
    assert convert(html)[0] == expected


def test_lexical_and_mobiledoc_unknown_cards_are_named():
    notes = []
    html = lexical_to_html(
        '{"root": {"children": [{"type": "audio", "src": "/content/files/a.mp3", '
        '"title": "Episode"}, {"type": "mystery", "text": "Kept"}]}}',
        notes,
    )
    assert 'href="/content/files/a.mp3"' in html and "Kept" in html
    assert notes == [
        "Ghost card “audio”: kept as its text.",
        "Ghost card “mystery”: kept as its text.",
    ]
    assert mobiledoc_to_html("not json", notes) == ""
    assert notes[-1].startswith("The Mobiledoc body could not be read")
