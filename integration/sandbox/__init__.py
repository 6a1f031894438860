"""The sandbox helpdesk: a small fake of each vendor's API for tests, the demo and benchmarks.

core.py holds what every vendor shares (accounts, write log, faults, rate
limits, the webhook sender, the Flask app); each vendor module registers itself
in core.VENDORS and mounts its API under /<vendor>/<account>/. It may import the
installers and the runtime accessors (to install a sandbox account into Tactful), and
nothing of the pipeline or the web layer: it plays the vendor, not Tactful.
"""
