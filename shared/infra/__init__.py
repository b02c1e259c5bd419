"""Local infrastructure helpers (throwaway PostgreSQL for tests and development)."""
