# Empty compiler generated dependencies file for test_merkle.
# This may be replaced when dependencies are built.
