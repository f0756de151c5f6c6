"""Word knowledge: speech verbs, people's titles and roles, stance words, word stems.

Every word list the rules and the question parser share lives here, each word once; the
modules above import from here instead of typing their own lists.
"""
