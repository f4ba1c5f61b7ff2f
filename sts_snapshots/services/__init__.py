"""Use cases over the stores: users, rooms and documents. Shared by the API, the UI and the CLI."""
