"""The README's journeys as browser tests: each starts from an empty database with only the
default setup, makes every record through the UI and checks the result through the REST API."""
