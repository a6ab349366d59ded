# CMake generated Testfile for 
# Source directory: /work/main/tests
# Build directory: /work/main/build/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[unit.test_frame]=] "/work/main/build/tests/test_frame")
set_tests_properties([=[unit.test_frame]=] PROPERTIES  TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/CMakeLists.txt;11;lcn_unit_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[unit.test_wire]=] "/work/main/build/tests/test_wire")
set_tests_properties([=[unit.test_wire]=] PROPERTIES  TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/CMakeLists.txt;12;lcn_unit_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[unit.test_sig]=] "/work/main/build/tests/test_sig")
set_tests_properties([=[unit.test_sig]=] PROPERTIES  TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/CMakeLists.txt;13;lcn_unit_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[unit.test_merkle]=] "/work/main/build/tests/test_merkle")
set_tests_properties([=[unit.test_merkle]=] PROPERTIES  TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/CMakeLists.txt;14;lcn_unit_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[unit.test_ledger]=] "/work/main/build/tests/test_ledger")
set_tests_properties([=[unit.test_ledger]=] PROPERTIES  TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/CMakeLists.txt;15;lcn_unit_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[unit.test_config]=] "/work/main/build/tests/test_config")
set_tests_properties([=[unit.test_config]=] PROPERTIES  TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/CMakeLists.txt;16;lcn_unit_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[unit.test_tls]=] "/work/main/build/tests/test_tls")
set_tests_properties([=[unit.test_tls]=] PROPERTIES  TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/CMakeLists.txt;17;lcn_unit_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[unit.test_pbjson]=] "/work/main/build/tests/test_pbjson")
set_tests_properties([=[unit.test_pbjson]=] PROPERTIES  TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/CMakeLists.txt;18;lcn_unit_test;/work/main/tests/CMakeLists.txt;0;")
