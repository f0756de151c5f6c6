"""Text, HTML, Markdown or a URL in; a clean Article with offsets back to the source out.

`articles` loads and cleans sources, `fetch` is the address-checked HTTP fetcher, `cleaning`
drops page furniture while keeping offsets, `chunking` cuts the text for the embedder.
"""
