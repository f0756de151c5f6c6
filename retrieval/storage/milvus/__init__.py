"""Chunk and quote vectors in Milvus collections (`WHOSAID_VECTOR_URI`): see `index`."""

from retrieval.storage.milvus.index import GRACE_S, MilvusBackend, MilvusIndex, client_uri, is_lite

__all__ = ["GRACE_S", "MilvusBackend", "MilvusIndex", "client_uri", "is_lite"]
