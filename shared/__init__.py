"""Code every SIPELKOP service needs: event contracts, messaging plumbing, database, auth, HTTP and observability helpers."""
