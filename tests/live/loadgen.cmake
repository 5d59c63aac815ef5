pulsco_add_qtest(tst_loadgen SOURCES tst_loadgen.cpp
  LIBS Qt6::Network pulsco_test_support LABELS live e2e TIMEOUT 120)
add_dependencies(tst_loadgen pulsco-matchd pulsco-sim)
