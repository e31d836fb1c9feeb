"""Tricircle: one service for multi-region OpenStack."""
