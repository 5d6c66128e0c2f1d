"""Sending e-mail through the programme's SMTP server, settings from the environment.

========================  ===============================================================
``MENTORKIT_SMTP_HOST``   the server (required to send)
``MENTORKIT_SMTP_PORT``   its port (default 587 with STARTTLS, else 25)
``MENTORKIT_SMTP_USER``   login name (empty: no login)
``MENTORKIT_SMTP_PASSWORD_FILE``  a file holding the password (never the password itself)
``MENTORKIT_SMTP_FROM``   the sender address (required)
``MENTORKIT_SMTP_STARTTLS``  1 (default) to require STARTTLS, 0 for a local relay
========================  ===============================================================

Logging says how many messages went out, never to whom or what.

Example
-------
>>> s = SmtpSettings.from_env({"MENTORKIT_SMTP_HOST": "mail.example.org",
...                            "MENTORKIT_SMTP_FROM": "mentorkit@example.org"})
>>> s.port, s.starttls, s.user
(587, True, None)
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from mentorkit.errors import ConfigError, MentorkitError

__all__ = ["SmtpSettings", "make_message", "send_messages", "SendFailed"]

log = logging.getLogger(__name__)


class SendFailed(MentorkitError):
    """The SMTP server could not be reached or refused a message."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send."""

    host: str
    sender: str
    port: int = 587
    user: str | None = None
    password_file: str | None = None
    starttls: bool = True
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        """Read the ``MENTORKIT_SMTP_*`` settings (see the module's table)."""
        import os

        env = os.environ if env is None else env
        host = env.get("MENTORKIT_SMTP_HOST", "").strip()
        sender = env.get("MENTORKIT_SMTP_FROM", "").strip()
        if not host:
            raise ConfigError("MENTORKIT_SMTP_HOST is not set: no server to send through")
        if "@" not in sender:
            raise ConfigError("MENTORKIT_SMTP_FROM must be the sender's e-mail address")
        flag = env.get("MENTORKIT_SMTP_STARTTLS", "1").strip().lower()
        if flag not in ("1", "0", "true", "false", "yes", "no"):
            raise ConfigError("MENTORKIT_SMTP_STARTTLS must be 1 or 0")
        starttls = flag in ("1", "true", "yes")
        port_text = env.get("MENTORKIT_SMTP_PORT", "").strip() or ("587" if starttls else "25")
        try:
            port = int(port_text)
        except ValueError:
            raise ConfigError("MENTORKIT_SMTP_PORT must be a whole number") from None
        if not 0 < port < 65536:
            raise ConfigError("MENTORKIT_SMTP_PORT must be between 1 and 65535")
        return cls(host=host, sender=sender, port=port,
                   user=env.get("MENTORKIT_SMTP_USER", "").strip() or None,
                   password_file=env.get("MENTORKIT_SMTP_PASSWORD_FILE", "").strip() or None,
                   starttls=starttls)

    def password(self) -> str | None:
        """The password, read from :attr:`password_file` (first line)."""
        if self.password_file is None:
            return None
        try:
            text = Path(self.password_file).read_text(encoding="utf-8")
        except OSError as err:
            raise ConfigError(f"MENTORKIT_SMTP_PASSWORD_FILE {self.password_file}: cannot be "
                              f"read ({err.strerror})") from None
        return text.splitlines()[0] if text else ""


def make_message(sender: str, to: str, subject: str, text: str,
                 attachments: Iterable[tuple[str, str, bytes]] = ()) -> EmailMessage:
    """A plain-text UTF-8 message, with ``(filename, mime type, data)`` attachments.

    Example
    -------
    >>> m = make_message("a@example.org", "b@example.org", "Hej", "Opfølgning")
    >>> m["Subject"], m.get_content().strip()
    ('Hej', 'Opfølgning')
    """
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content(text, charset="utf-8")
    for name, mime, data in attachments:
        main, _, sub = mime.partition("/")
        params = {"charset": "utf-8"} if main == "text" else None  # bytes kept exactly (base64)
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name, params=params)
    return msg


def send_messages(settings: SmtpSettings, messages: list[EmailMessage]) -> int:
    """Send ``messages`` over one connection; the number sent.

    :class:`SendFailed` (naming the server, never a recipient) when the server cannot be
    reached, STARTTLS or the login fails, or a message is refused.
    """
    if not messages:
        return 0
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as server:
            if settings.starttls:
                server.starttls(context=ssl.create_default_context())
            if settings.user:
                server.login(settings.user, settings.password() or "")
            for msg in messages:
                server.send_message(msg)
    except smtplib.SMTPException as err:
        raise SendFailed(f"the SMTP server {where} refused: {type(err).__name__}") from None
    except OSError as err:
        raise SendFailed(f"the SMTP server {where} could not be reached "
                         f"({err.strerror or type(err).__name__})") from None
    log.info("sent %d message(s) through %s", len(messages), where)
    return len(messages)
