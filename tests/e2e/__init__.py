"""End-to-end tests (marked e2e): one `make run`, driven over HTTP and in Chromium."""
