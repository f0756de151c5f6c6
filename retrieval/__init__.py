"""Articles, quotes and search for whosaid. Knows nothing of Slack."""
