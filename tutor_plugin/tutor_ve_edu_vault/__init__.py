"""Tutor plugin for ve-edu-vault: installs, configures and runs the vault in a Tutor Open edX site."""
