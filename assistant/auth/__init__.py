"""Accounts, roles and console sessions (editors, reviewers, greeters, hall staff)."""
