"""The snapshot engine: report data, content key, cache, tasks, metrics, render workers and the job."""
