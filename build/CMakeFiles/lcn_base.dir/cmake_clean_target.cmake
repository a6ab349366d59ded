file(REMOVE_RECURSE
  "liblcn_base.a"
)
