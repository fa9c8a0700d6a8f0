"""Telegram updates in, use cases called, screens out. One module per journey."""
