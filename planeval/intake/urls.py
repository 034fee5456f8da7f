"""A source's web address read the way a browser reads it (WHATWG URL Standard, special schemes http/https),
so that the host we record is the host a reader's browser opens.

A browser treats a backslash as a slash in http(s) addresses, takes everything before an ``@`` in the
authority as user name and password (not the host), drops tabs and line breaks, and decodes punycode into
look-alike letters. ``https://evil.example\\@www.nbyz.gov.cn/…`` therefore *looks* like a gov.cn page to
Python's urlsplit (and to a reader) but opens evil.example. Such addresses are refused, not repaired: the
analyst is asked for the address as the browser shows it after opening the page.
"""
from __future__ import annotations

import re
import unicodedata

_SCHEME = re.compile(r"(?i)(https?)://")
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
# Scripts whose letters pass for Latin ones in a host name (а/a, е/e, о/o, ρ/p …).
_LOOKALIKE_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "FULLWIDTH LATIN", "MATHEMATICAL")


class BadUrl(ValueError):
    """Why an address is refused (the message is shown to the analyst)."""


def _decoded_label(label: str) -> str:
    if label.startswith("xn--"):
        try:
            return label[4:].encode("ascii").decode("punycode")
        except (UnicodeError, ValueError):
            raise BadUrl(f"a host label '{label}' that is not valid punycode") from None
    return label


def _check_host_letters(host: str) -> None:
    """Non-ASCII (or punycode) host names are kept only when no letter could pass for a Latin one."""
    for label in host.split("."):
        for ch in _decoded_label(label):
            if ch.isascii():
                continue
            name = unicodedata.name(ch, "")
            if name.startswith(_LOOKALIKE_SCRIPTS) or not ch.isalnum():
                raise BadUrl(f"a host with the character {ch!r} (U+{ord(ch):04X} {name or 'unnamed'}), which "
                             "imitates a Latin letter or punctuation: the host is not what it appears to be")


def host(url: str) -> str:
    """The host a browser opens for ``url`` (lower case), after :func:`check_url`; '' when there is none."""
    try:
        return check_url(url)
    except BadUrl:
        return ""


def check_url(url: str) -> str:
    """The host of an http(s) address a browser would open, or BadUrl saying why the address is refused."""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch.isspace() for ch in url):
        bad = next(ch for ch in url if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch.isspace())
        raise BadUrl(f"an invisible or space character (U+{ord(bad):04X}) inside the address: browsers drop or "
                     "encode it, so the address is not what it appears to be")
    if "\\" in url:
        raise BadUrl("a backslash: browsers read it as '/', so the part after it is not on the host it appears "
                     "to be on")
    m = _SCHEME.match(url)
    if not m:
        raise BadUrl("an address starting with http:// or https://")
    authority = re.split(r"[/?#]", url[m.end():], maxsplit=1)[0]
    if "@" in authority:
        raise BadUrl(f"a user name before '@' ('{authority.rsplit('@', 1)[0]}'): browsers open the host after '@' "
                     f"('{authority.rsplit('@', 1)[1]}'), not the one it appears to be")
    name, _, port = authority.rpartition(":") if re.search(r":\d*$", authority) else (authority, "", "")
    if port and not port.isdigit():
        raise BadUrl(f"a port '{port}' that is not a number")
    name = name.lower().rstrip(".")
    if "%" in name:
        raise BadUrl("a percent-encoded host name: browsers decode it into another host")
    if not name or "." not in name:
        raise BadUrl(f"a host name with a dot (found '{name}')")
    _check_host_letters(name)
    if all(ch.isascii() for ch in name) and not all(_HOST_LABEL.fullmatch(lb) for lb in name.split(".")):
        raise BadUrl(f"a host name of letters, digits, '-' and '.' (found '{name}')")
    return name


def is_government_host(name: str) -> bool:
    """A host under gov.cn (the government's domain; registrations are checked by CNNIC)."""
    return name == "gov.cn" or name.endswith(".gov.cn")
