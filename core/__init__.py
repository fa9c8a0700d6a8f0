"""Alliance's pure domain: plain values in, plain values out, `now` passed in.

Nothing here imports `telegram`, touches the database or reads the clock.
"""
