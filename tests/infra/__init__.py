"""Tests of the CDK stack (marked infra): synthesized once per run."""
