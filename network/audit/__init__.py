"""The audit log: a hash chain of every change of state."""
