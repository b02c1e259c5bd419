"""Identity domain: accounts and passwords."""
