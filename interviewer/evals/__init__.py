"""Offline evals. Data and thresholds live in the repo's top-level `evals/` folder."""
