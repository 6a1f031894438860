"""The sandbox helpdesk: a small fake of each vendor's API for tests, the demo and benchmarks.

core.py holds what every vendor shares (accounts, write log, faults, rate
limits, the webhook sender, the Flask app); each vendor module registers itself
in core.VENDORS and mounts its API under /<vendor>/<account>/.
"""
