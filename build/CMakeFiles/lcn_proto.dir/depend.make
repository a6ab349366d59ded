# Empty dependencies file for lcn_proto.
# This may be replaced when dependencies are built.
