"""What the person reads: `Screen` values built from domain results, in their language.

No Telegram here: handlers send these, and so can scheduled work.
"""
