"""Load and latency benchmarks of live interview streaming (`make bench`); see docs/performance.md."""
