# Empty dependencies file for lcn_base.
# This may be replaced when dependencies are built.
