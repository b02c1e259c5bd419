"""Benchmarks: every hot path next to its raw limit (aiokafka, asyncpg), measured side by side in one run."""
