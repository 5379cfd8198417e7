"""Operating Liaison: backup and restore of the database, checks before a production start."""
