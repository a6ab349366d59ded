# Empty dependencies file for lcn_node.
# This may be replaced when dependencies are built.
