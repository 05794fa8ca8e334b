"""The Discord adapter: the practice loop in a Discord server, on discord.py 2.x.

translate (gateway objects -> events), render (documents -> message payloads), deliver (effects ->
REST calls, receipts), app (wiring: acknowledge interactions first, reconcile after a lost session).
"""
