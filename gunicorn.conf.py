"""gunicorn's settings, read from this folder (the Procfile and scripts/start run gunicorn here).

The access log names the path without its query string: a query can hold a secret (Messenger's verify token when
Meta checks the webhook) or a test resident's name (the chat page's polling). Every record is also scrubbed by
bot/redact.py. Fields: address, time, method, path, protocol, status, bytes, user agent, seconds.
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'
