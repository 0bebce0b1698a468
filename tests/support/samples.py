"""Raw messages for the intake tests, built by hand so each quirk is explicit."""

from __future__ import annotations


def mail(
    *,
    sender: str = "Jan de Vries <jan@devries.test>",
    subject: str = "Orders komen niet binnen",
    body: str = "Sinds vanochtend komen er geen orders meer binnen via de koppeling.",
    message_id: str | None = "<m-1@devries.test>",
    headers: dict[str, str] | None = None,
    content_type: str = "text/plain; charset=utf-8",
    encoding: str = "utf-8",
) -> bytes:
    lines = [f"From: {sender}", "To: support@vendor.test", f"Subject: {subject}",
             "Date: Fri, 27 Nov 2026 10:00:00 +0100", "MIME-Version: 1.0", f"Content-Type: {content_type}"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body.encode(encoding) + b"\r\n"


def with_attachment(size: int, *, message_id: str = "<att@devries.test>") -> bytes:
    import base64

    payload = base64.encodebytes(b"x" * size).decode()
    return (
        "From: Jan de Vries <jan@devries.test>\r\nTo: support@vendor.test\r\nSubject: Logbestand\r\n"
        f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nZie bijlage.\r\n"
        '--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="log.txt"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{payload}\r\n--b1--\r\n"
    ).encode()


def forwarded(original: bytes) -> bytes:
    """An agent's forward of a customer mail that reached a personal mailbox."""
    return (
        b"From: Agent <agent@vendor.test>\r\nTo: support@vendor.test\r\nSubject: Fwd: Orders komen niet binnen\r\n"
        b"Message-ID: <fwd-1@vendor.test>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="f1"\r\n\r\n'
        b"--f1\r\nContent-Type: text/plain\r\n\r\nKwam binnen in mijn eigen mailbox.\r\n"
        b"--f1\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n"
        + original + b"\r\n--f1--\r\n"
    )
