"""Voters' e-mail addresses: one canonical form per mailbox, and the disposable-address check."""

from disposable_email_domains import blocklist

# Gmail ignores dots in the local part and treats googlemail.com as the same mailbox.
DOT_BLIND_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}

# Providers that deliver `name+anything@` to `name@` (documented sub-addressing). Yahoo is not here: it uses
# separately created "-" aliases, not `+` tags, so two Yahoo addresses differing after `+` are different mailboxes.
PLUS_TAG_DOMAINS = {
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "fastmail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
}


def normalise_email(address):
    """The canonical form of `address`: lower-case; provider-specific dots and `+tags` removed.

    Expects a syntactically valid address (the form's EmailField checked it).
    """
    local, _, domain = address.strip().lower().rpartition("@")
    domain = domain.rstrip(".")
    domain = DOT_BLIND_DOMAINS.get(domain, domain)
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain == "gmail.com":
        local = local.replace(".", "")
    return f"{local}@{domain}"


def email_domain(address):
    return address.rpartition("@")[2].lower()


def is_disposable(address):
    """True when the domain, or any domain it is under, is on the maintained disposable-address list."""
    labels = email_domain(address).split(".")
    return any(".".join(labels[i:]) in blocklist for i in range(len(labels) - 1))
