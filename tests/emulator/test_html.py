"""Telegram's HTML parse mode: plain text, entities, and the server's error messages."""

from __future__ import annotations

import pytest

from emulator.html import EntityParseError, format_text, parse_html


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        (
            "<b>bold</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins>",
            "bold s i e u n",
        ),
        ("<s>a</s><strike>b</strike><del>c</del>", "abc"),
        ('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>', "xy"),
        ('<a href="https://example.org/?a=1&amp;b=2">link</a>', "link"),
        ("&lt;tag&gt; &amp; &quot;q&quot; &#65;&#x42; &#128512;", '<tag> & "q" AB 😀'),
        ("fish &chips; &copy", "fish &chips; &copy"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
        ("<blockquote expandable>q</blockquote><blockquote>r</blockquote>", "qr"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("<B>upper</B>", "upper"),
    ],
)
def test_plain_text(html: str, plain: str) -> None:
    assert parse_html(html)[0] == plain


def test_entities_use_utf16_offsets() -> None:
    text, entities = parse_html('😀 <b>bold</b> <a href="https://x.org">l</a>')
    assert text == "😀 bold l"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 1, "url": "https://x.org"},
    ]


def test_pre_with_language_is_one_entity() -> None:
    _, entities = parse_html('<pre><code class="language-py">x</code></pre>')
    assert entities == [{"type": "pre", "offset": 0, "length": 1, "language": "py"}]


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("a <foo>b</foo>", 'Unsupported start tag "foo" at byte offset 2'),
        ("é <br/>", 'Unsupported start tag "br/" at byte offset 3'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>bold</i>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
        ("text</b>", "Unexpected end tag at byte offset 4"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            '<a href"x">l</a>',
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
    ],
)
def test_errors_read_like_the_real_server(html: str, message: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(html)
    assert str(caught.value) == f"can't parse entities: {message}"


def test_format_text_trims_and_keeps_markdown_raw() -> None:
    assert format_text("  \n<b>hi</b>\n\n", "HTML") == (
        "hi",
        [{"type": "bold", "offset": 0, "length": 2}],
    )
    assert format_text("*bold*", "MarkdownV2") == ("*bold*", [])
    with pytest.raises(EntityParseError, match="unsupported parse_mode"):
        format_text("x", "BBCode")
