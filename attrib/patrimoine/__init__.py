"""Social housing stock: residences and dwellings, RPLS import, disaggregation of the RPLS 2019 counts."""
