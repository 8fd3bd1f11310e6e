"""Liveness and readiness answers for a load balancer."""
