"""A local SMTP server for LabBox's mail tests (aiosmtpd).

Usage: smtp_sink.py OUTPUT.jsonl [--starttls CERT KEY] [--user NAME:PASSWORD] [--inject-after-starttls]
Listens on a free loopback port, prints "READY <port>" once it accepts connections, and appends
each delivered message to OUTPUT.jsonl as {"from", "to", "data", "auth"}. Runs until killed (the tests send SIGKILL).

--inject-after-starttls plays, instead, a server behind someone on the path who appends a reply to
the answer to STARTTLS, in plain text, for the client to read inside TLS.
"""

import json
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def injected_after_starttls() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        print(f"READY {listener.getsockname()[1]}", flush=True)
        connection, _ = listener.accept()
        lines = connection.makefile("rb")
        connection.sendall(b"220 sink ESMTP\r\n")
        lines.readline()
        connection.sendall(b"250-sink\r\n250 STARTTLS\r\n")
        lines.readline()
        connection.sendall(b"220 go ahead\r\n250 injected\r\n")
        while connection.recv(1024):
            pass


def main() -> None:
    output = sys.argv[1]
    args = sys.argv[2:]
    if "--inject-after-starttls" in args:
        injected_after_starttls()
        return
    tls_context = None
    user = None
    while args:
        flag = args.pop(0)
        if flag == "--starttls":
            tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls_context.load_cert_chain(args.pop(0), args.pop(0))
        elif flag == "--user":
            user = args.pop(0).split(":", 1)

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            record = {
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "data": envelope.content.decode("utf-8", "replace"),
                "auth": session.authenticated,
                "tls": session.ssl is not None,
            }
            with open(output, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = user is not None and auth_data.login.decode() == user[0] and auth_data.password.decode() == user[1]
        return AuthResult(success=ok)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Sink(),
        hostname="127.0.0.1",
        port=port,
        tls_context=tls_context,
        require_starttls=tls_context is not None,
        authenticator=authenticator if user else None,
        auth_require_tls=tls_context is not None,
        auth_required=user is not None,
    )
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
