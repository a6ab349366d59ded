# Empty dependencies file for test_sig.
# This may be replaced when dependencies are built.
