"""The console channel: a terminal chat for practising alone or trying the bot with no account."""
