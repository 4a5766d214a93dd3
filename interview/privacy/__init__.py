"""Personal data: export of everything held about a user and erasure of their account (GDPR 15, 17, 20)."""
