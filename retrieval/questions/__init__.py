"""A question in words becomes a ParsedQuestion: intent, speaker, topic, side, scope.

`phrasing` reads through chatter and typos, `parsing` finds the question's shape, `slots`
fills speaker and topic, `sides` the side questions, `context` what a thread already said.
"""
