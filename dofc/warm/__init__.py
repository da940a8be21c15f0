"""Warm capacity for Light jobs: pre-started kernels and the hot-set input cache."""
