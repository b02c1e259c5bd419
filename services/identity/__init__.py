"""SIPELKOP identity service: accounts, sign-in, sessions and the signing keys of every access token."""
