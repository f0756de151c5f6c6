"""Where articles, quotes and vectors live: the store (the source of truth), the vector
index (a cache of the stored embeddings) and the embedder that makes the vectors."""
