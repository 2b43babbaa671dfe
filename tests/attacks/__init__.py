"""Attacks that once worked (issue 18): each test fails on the code before its fix."""
