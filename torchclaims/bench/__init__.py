"""asv benchmark support: machine names, reading asv's results, the bench-compare table and plot."""
