"""The synthetic demo incident that `make run` loads: people, letters and calls, none of them real."""
