# Empty dependencies file for lcn-verify-rate.
# This may be replaced when dependencies are built.
