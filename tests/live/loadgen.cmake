pulsco_add_qtest(tst_loadgen SOURCES tst_loadgen.cpp MatchdProcess.h
  LIBS Qt6::Network LABELS live e2e TIMEOUT 120)
add_dependencies(tst_loadgen pulsco-matchd pulsco-sim)
