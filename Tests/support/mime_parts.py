"""Parses a MIME message (RFC 5322, as LabBox hands it to SMTP) with Python's email package.

Usage: mime_parts.py MESSAGE.eml
Prints JSON: the top-level content type, the headers From/To/Subject, and each leaf part's
content type, filename (attachments) and decoded content (text as text, other bytes as base64).
"""

import base64
import email
import email.policy
import json
import sys


def main() -> None:
    with open(sys.argv[1], "rb") as handle:
        raw = handle.read()
    # SMTP's DATA dot-stuffs lines; undo it as a receiving server would.
    raw = b"\r\n".join(line[1:] if line.startswith(b"..") else line for line in raw.split(b"\r\n"))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        parts.append(
            {
                "content_type": part.get_content_type(),
                "filename": part.get_filename(),
                "disposition": part.get_content_disposition(),
                "text": content if isinstance(content, str) else None,
                "base64": base64.b64encode(content).decode() if isinstance(content, bytes) else None,
            }
        )
    print(
        json.dumps(
            {
                "content_type": message.get_content_type(),
                "subject": str(message["Subject"]),
                "to": str(message["To"]),
                "defects": [str(defect) for defect in message.defects],
                "parts": parts,
            }
        )
    )


if __name__ == "__main__":
    main()
