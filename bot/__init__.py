"""Tomoni: a multilingual help bot for the foreign residents of Isesaki.

The package face is empty on purpose: importing `bot.understanding` or `bot.answering` loads no web framework.
The app is built by `bot.app.create_app` (docs/architecture.md: the layout and the import plan).
"""
