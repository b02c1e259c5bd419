"""Reporting's rules without I/O: how projected facts become the ministry's figures."""
