"""tricircle-xjob: the worker that runs the cross-region jobs queued in async_jobs."""
