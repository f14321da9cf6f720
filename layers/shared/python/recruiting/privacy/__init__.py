"""Privacy requests (export, erasure, consent) and retention."""
