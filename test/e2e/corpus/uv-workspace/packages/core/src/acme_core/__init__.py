from acme_core.pricing import Quote, quote

__all__ = ["Quote", "quote"]
