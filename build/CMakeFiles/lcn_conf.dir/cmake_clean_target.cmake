file(REMOVE_RECURSE
  "liblcn_conf.a"
)
