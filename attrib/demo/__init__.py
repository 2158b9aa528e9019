"""The demo territory (CA Le Grand Narbonne) and the seeded synthetic demand generator."""
