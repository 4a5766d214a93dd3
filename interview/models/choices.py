"""Choice lists shared by several models."""

from decimal import Decimal

INTERVIEW_TYPE_CHOICES = [
    ("GEN", "General Interview"),
    ("SKL", "Industry Skills"),
    ("PER", "Personality/Culture Fit"),
    ("FIN", "Final Screening"),
]

# The time multipliers an accommodation may grant (issue 22): every clock of the interview runs this much longer.
TIME_MULTIPLIER_CHOICES = [
    (Decimal("1.00"), "Standard time (1×)"),
    (Decimal("1.25"), "1.25× time"),
    (Decimal("1.50"), "1.5× time"),
    (Decimal("2.00"), "Double time (2×)"),
]
TIME_MULTIPLIERS = tuple(value for value, _ in TIME_MULTIPLIER_CHOICES)
TIME_MULTIPLIER_MESSAGE = "Choose a time multiplier of 1, 1.25, 1.5 or 2 (the time limits are multiplied by it)."
