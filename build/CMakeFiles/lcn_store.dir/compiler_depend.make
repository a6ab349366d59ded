# Empty compiler generated dependencies file for lcn_store.
# This may be replaced when dependencies are built.
