file(REMOVE_RECURSE
  "liblcn_proto.a"
)
