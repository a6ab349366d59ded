# Empty compiler generated dependencies file for test_pbjson.
# This may be replaced when dependencies are built.
