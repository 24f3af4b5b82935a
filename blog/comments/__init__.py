"""Comments: threads of replies, moderation of new accounts, the honeypot, notifications."""
