"""whosaid's Slack app, command line and settings. Uses retrieval through retrieval.engine."""
