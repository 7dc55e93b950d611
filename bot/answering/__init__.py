"""Answering a message: the pipeline, the knowledge base, rendering in the resident's language, the bot's actions
(collection days, reminders, announcements, deleting data), the desk handoff and machine translation."""
