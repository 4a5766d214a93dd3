"""Choice lists shared by several models."""

INTERVIEW_TYPE_CHOICES = [
    ("GEN", "General Interview"),
    ("SKL", "Industry Skills"),
    ("PER", "Personality/Culture Fit"),
    ("FIN", "Final Screening"),
]
