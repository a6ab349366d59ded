# Empty compiler generated dependencies file for lcn.
# This may be replaced when dependencies are built.
