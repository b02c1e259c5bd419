"""Identity entrypoints: API, pages, CLI."""
