"""The Slack adapter: slack-bolt's AsyncApp in Socket Mode or HTTP mode, one or many workspaces.

translate (payloads -> events), render (documents -> Block Kit), deliver (effects -> Web API calls)
and app (settings, wiring, serving), as in the design's section 4. See docs/slack.md.
"""
