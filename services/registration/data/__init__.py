"""Reference data of the registration service, kept as files so it changes without a code change."""
