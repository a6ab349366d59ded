# Empty dependencies file for lcn_conf.
# This may be replaced when dependencies are built.
