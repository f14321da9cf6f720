"""The AWS CDK stack of the recruiting platform, generated from ``recruiting.wiring``."""
