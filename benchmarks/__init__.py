"""`make bench`: performance figures, each printed beside a baseline measured
in the same run (these machines are noisy; ratios travel, milliseconds don't)."""
