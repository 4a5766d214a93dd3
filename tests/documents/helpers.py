"""Builders shared by the job listing tests."""

# A model answer to the job-listing parse prompt that passes validation.
VALID = {
    "required_skills": ["Python", "Django", "PostgreSQL"],
    "seniority_level": "senior",
    "requirements": {
        "education": ["Bachelor's in Computer Science"],
        "years_experience": "5+",
        "certifications": ["AWS Certified"],
        "responsibilities": ["Lead backend projects"],
    },
}
