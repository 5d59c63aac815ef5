pulsco_add_qtest(tst_matchd_process SOURCES tst_matchd_process.cpp
  LIBS pulsco_server pulsco_test_support LABELS integration e2e TIMEOUT 120)
add_dependencies(tst_matchd_process pulsco-matchd)
