-- pgvector powers knowledge search. PGlite ships it; a server PostgreSQL may not (Debian bookworm has no
-- package), so it is enabled when available and features that need it check for it themselves.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
  END IF;
END
$$;
