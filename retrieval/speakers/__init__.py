"""Who the people in the articles are.

`mentions` reads how a text writes a person (names, titles, roles), `book` keeps one
article's speakers ("Rep. Jason X", "X" and a later "he" are one), `merging` joins the same
person across articles, and `directory` matches what a question says against them all.
"""
