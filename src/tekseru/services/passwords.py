"""How passwords are hashed: argon2 (argon2-cffi) with the costs the caller chose.

A `Passwords` is handed to every use case that hashes or checks a password, so that nothing swaps the
costs behind a caller's back: the application and the command line use `Passwords()` (argon2-cffi's
recommended costs), tests hand in cheap ones. A hash carries the costs it was made with, so any
`Passwords` checks any hash, and signing in renews a hash made with other costs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import cached_property

from argon2 import PasswordHasher


@dataclass(frozen=True)
class Passwords:
    hasher: PasswordHasher = field(default_factory=PasswordHasher)

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(password_hash, password))
        except Exception:  # argon2 raises VerifyMismatchError, or InvalidHashError for a damaged hash
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return bool(self.hasher.check_needs_rehash(password_hash))

    @cached_property
    def dummy_hash(self) -> str:
        """A hash made with these costs, to check a password against when the user is unknown (so that
        an unknown name takes as long as a known one)."""
        return self.hash(secrets.token_urlsafe(16))
