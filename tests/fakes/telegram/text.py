"""Message text as Telegram sees it: HTML entity parsing, trimming and the length rules.

Telegram counts limits *after* entity parsing, so ``<b>hola</b>`` is 4 characters, and it
refuses malformed HTML with ``Bad Request: can't parse entities: ...``. The parser below follows
TDLib's ``parse_html`` (td/telegram/MessageEntity.cpp) step by step, byte offsets and error
wording included, so a bot that forgets to escape ``<`` fails here exactly as it would in
production. Entity offsets/lengths are UTF-16 code units, like the Bot API's; the 4096/1024
limits count Unicode characters (code points), which is what Telegram was measured to accept.

Only ``parse_mode=HTML`` (any case) and no parse mode are implemented: a MarkdownV2 message is
refused loudly rather than accepted with the wrong length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "u": "underline", "ins": "underline", "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip
_TYPE_ORDER = [
    "blockquote", "expandable_blockquote", "pre", "code", "text_link", "custom_emoji",
    "bold", "italic", "underline", "strikethrough", "spoiler",
]  # fmt: skip
_SPACE = frozenset(b" \t\r\n\v\x00")  # TDLib's is_space() also treats NUL (= end) as space
_TRIM = " \t\r\n\v\f"
_DIGITS = frozenset(b"0123456789")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_ALPHA = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_TOKEN = _ALPHA | _DIGITS | frozenset(b".-")  # unquoted attribute values
_LT, _GT, _AMP, _SLASH, _EQ, _SEMI = 0x3C, 0x3E, 0x26, 0x2F, 0x3D, 0x3B
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class FormattedText:
    """Text after entity parsing and trimming, plus Bot API ``MessageEntity`` dicts."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def format_text(
    raw: str | None, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> FormattedText:
    """Parse ``raw`` the way ``sendMessage``/``sendPhoto`` do, then trim surrounding blanks.

    Explicit ``entities`` win over ``parse_mode``, as in the Bot API.
    """
    if not raw:
        return FormattedText("")
    if entities:
        return _trim(raw, [dict(e) for e in entities])
    mode = (parse_mode or "").strip().lower()
    if not mode:
        return _trim(raw, [])
    if mode == "html":
        text, found = parse_html(raw)
        return _trim(text, found)
    if mode in {"markdown", "markdownv2"}:
        raise bad_request(
            "can't parse entities: the fake Telegram server implements only parse_mode HTML"
        )
    raise bad_request("unsupported parse_mode")


def check_length(text: FormattedText, *, caption: bool) -> None:
    """Telegram's size rules for a message text (1–4096) or a caption (0–1024)."""
    if caption:
        if len(text.text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return
    if not text.text:
        raise bad_request("message text is empty")
    if len(text.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")


def parse_html(html: str) -> tuple[str, list[dict[str, Any]]]:
    """TDLib's HTML parser: ``(plain_text, entities)`` or ``can't parse entities`` errors."""
    try:
        return _parse_html(html.encode("utf-8", "surrogatepass"))
    except _ParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None


class _ParseError(Exception):
    pass


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_offset: int
    result_pos: int


def _decode_entity(b: bytes, pos: int) -> tuple[int, int]:
    """``(code point, position after the entity)``; code point 0 means "not an entity"."""
    size = len(b)

    def at(i: int) -> int:
        return b[i] if i < size else 0

    end = pos + 1
    res = 0
    if at(pos + 1) == ord("#"):
        end += 1
        if at(pos + 2) == ord("x"):
            end += 1
            while at(end) in _HEX:
                res = res * 16 + int(chr(b[end]), 16)
                end += 1
        else:
            while at(end) in _DIGITS:
                res = res * 10 + b[end] - 0x30
                end += 1
        if res == 0 or res >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while at(end) in _ALPHA:
            end += 1
        res = {b"lt": _LT, b"gt": _GT, b"amp": _AMP, b"quot": ord('"')}.get(b[pos + 1 : end], 0)
        if res == 0:
            return 0, pos
    return res, end + 1 if at(end) == _SEMI else end


def _u16(first_byte: int) -> int:
    """UTF-16 units for a UTF-8 sequence starting with ``first_byte`` (0 for continuations)."""
    if first_byte & 0xC0 == 0x80:
        return 0
    return 2 if first_byte >= 0xF0 else 1


def _parse_html(b: bytes) -> tuple[str, list[dict[str, Any]]]:
    size = len(b)

    def at(i: int) -> int:
        return b[i] if i < size else 0

    def name(start: int, end: int) -> str:
        return b[start:end].decode("utf-8", "replace").lower()

    result = bytearray()
    entities: list[dict[str, Any]] = []
    nested: list[_Open] = []
    utf16 = 0
    i = 0
    while i < size:
        c = b[i]
        if c == _AMP:
            ch, after = _decode_entity(b, i)
            if ch:
                result.extend(chr(ch).encode("utf-8", "surrogatepass"))
                utf16 += 2 if ch > 0xFFFF else 1
                i = after
                continue
        if c != _LT:
            utf16 += _u16(c)
            result.append(c)
            i += 1
            continue
        begin = i
        i += 1
        if at(i) != _SLASH:
            while at(i) not in _SPACE and at(i) != _GT:
                i += 1
            if at(i) == 0:
                raise _ParseError(f"Unclosed start tag at byte offset {begin}")
            tag = name(begin + 1, i)
            if tag not in _TAGS:
                raise _ParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            i, argument = _read_attributes(b, i, tag, begin)
            if tag == "span" and argument != "spoiler":
                raise _ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            nested.append(_Open(tag, argument, utf16, len(result)))
            i += 1
            continue
        if not nested:
            raise _ParseError(f"Unexpected end tag at byte offset {begin}")
        while at(i) not in _SPACE and at(i) != _GT:
            i += 1
        end_tag = name(begin + 2, i)
        while at(i) in _SPACE and at(i) != 0:
            i += 1
        if at(i) != _GT:
            raise _ParseError(f"Unclosed end tag at byte offset {begin}")
        opened = nested.pop()
        if end_tag and end_tag != opened.tag:
            raise _ParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", '
                f'found "</{end_tag}>"'
            )
        if utf16 > opened.utf16_offset:
            _close_entity(entities, opened, utf16, bytes(result[opened.result_pos :]))
        i += 1
    if nested:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{nested[-1].tag}"')
    try:
        text = bytes(result).decode("utf-8")
    except UnicodeDecodeError:
        raise _ParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        ) from None
    for entity in entities:  # a lone <code class="language-x"> is plain code in the Bot API
        language = entity.pop("_lang", None)
        if entity["type"] == "pre" and language:
            entity["language"] = language
    entities.sort(key=lambda e: (e["offset"], -e["length"], _TYPE_ORDER.index(e["type"])))
    return text, entities


def _read_attributes(b: bytes, i: int, tag: str, begin: int) -> tuple[int, str]:
    """Parse ``name=value`` pairs up to ``>``; return (index of ``>``, the tag's argument)."""
    size = len(b)

    def at(k: int) -> int:
        return b[k] if k < size else 0

    argument = ""
    while at(i) != _GT:
        while at(i) != 0 and at(i) in _SPACE:
            i += 1
        if at(i) == _GT:
            break
        attr_begin = i
        while at(i) not in _SPACE and at(i) not in (_EQ, _GT):
            i += 1
        attr = b[attr_begin:i].decode("utf-8", "replace")
        if not attr:
            raise _ParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while at(i) != 0 and at(i) in _SPACE:
            i += 1
        if at(i) != _EQ:
            if tag == "blockquote" and attr == "expandable":
                argument = "expandable"
                continue
            raise _ParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        i += 1
        while at(i) != 0 and at(i) in _SPACE:
            i += 1
        if at(i) == 0:
            raise _ParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        value = bytearray()
        if at(i) not in (ord("'"), ord('"')):
            token_begin = i
            while at(i) in _NAME_TOKEN:
                i += 1
            value.extend(b[token_begin:i].lower())
            if at(i) not in _SPACE and at(i) != _GT:
                raise _ParseError(f"Unexpected end of name token at byte offset {token_begin}")
        else:
            quote = b[i]
            i += 1
            while at(i) != quote and at(i) != 0:
                if at(i) == _AMP:
                    ch, after = _decode_entity(b, i)
                    if ch:
                        value.extend(chr(ch).encode("utf-8", "surrogatepass"))
                        i = after
                        continue
                value.append(b[i])
                i += 1
            if at(i) == quote:
                i += 1
        if at(i) == 0:
            raise _ParseError(f"Unclosed start tag at byte offset {begin}")
        text = value.decode("utf-8", "replace")
        if (tag == "a" and attr == "href") or (tag == "tg-emoji" and attr == "emoji-id"):
            argument = text
        elif tag == "code" and attr == "class" and text.startswith("language-"):
            argument = text[len("language-") :]
        elif tag == "span" and attr == "class" and text.startswith("tg-"):
            argument = text[len("tg-") :]
    return i, argument


def _close_entity(entities: list[dict[str, Any]], opened: _Open, utf16: int, inner: bytes) -> None:
    offset, length = opened.utf16_offset, utf16 - opened.utf16_offset
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    tag = opened.tag
    if tag in _SIMPLE_TYPES:
        entities.append({"type": _SIMPLE_TYPES[tag], "offset": offset, "length": length})
    elif tag == "a":
        url = opened.argument or inner.decode("utf-8", "replace")
        if url and not any(ch.isspace() for ch in url):
            if not _SCHEME.match(url):
                url = "http://" + url
            entities.append({"type": "text_link", "offset": offset, "length": length, "url": url})
    elif tag == "pre":
        # <code class="language-x"><pre>…</pre></code> and the usual nesting both make "pre+lang".
        if same_span and last is not None and last["type"] == "code" and last.get("_lang"):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        if same_span and last is not None and last["type"] == "pre" and opened.argument:
            last["_lang"] = opened.argument
        else:
            entity = {"type": "code", "offset": offset, "length": length}
            if opened.argument:
                entity["_lang"] = opened.argument
            entities.append(entity)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if opened.argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})
    elif tag == "tg-emoji":
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": opened.argument,
            }
        )


def _trim(text: str, entities: list[dict[str, Any]]) -> FormattedText:
    """Drop leading/trailing blanks as Telegram does, shifting and clipping the entities."""
    stripped = text.strip(_TRIM)
    if stripped == text:
        return FormattedText(text, entities)
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    limit = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(int(entity["offset"]) - shift, 0)
        end = min(int(entity["offset"]) + int(entity["length"]) - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, kept)
