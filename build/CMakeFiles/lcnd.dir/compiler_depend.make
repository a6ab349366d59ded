# Empty compiler generated dependencies file for lcnd.
# This may be replaced when dependencies are built.
