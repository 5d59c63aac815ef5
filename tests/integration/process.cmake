pulsco_add_qtest(tst_matchd_process SOURCES tst_matchd_process.cpp HttpTestClient.h
  LIBS pulsco_server LABELS integration e2e TIMEOUT 120)
add_dependencies(tst_matchd_process pulsco-matchd)
