"""Storage: the database tables and their queries, the outbox of replies to deliver, figures for the desk."""
