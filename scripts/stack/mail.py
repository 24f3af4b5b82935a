"""An SMTP sink that keeps every message (the password-reset walk reads them)."""

import email
import email.policy

from scripts.ports import free_port


class Mailbox:
    """aiosmtpd handler that keeps every message, and prints it when echo is on."""

    def __init__(self, echo=False):
        self.messages = []
        self.echo = echo

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        if self.echo:
            print(f"--- mail to {message['To']}: {message['Subject']}\n{message.get_content()}")
        return "250 OK"


class Mail:
    def start_smtp(self):
        from aiosmtpd.controller import Controller

        self.smtp = Controller(self.mailbox, hostname="127.0.0.1", port=free_port())
        self.smtp.start()

    def stop_smtp(self):
        if self.smtp:
            self.smtp.stop()
            self.smtp = None
