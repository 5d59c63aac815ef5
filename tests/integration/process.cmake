pulsco_add_qtest(tst_matchd_process SOURCES tst_matchd_process.cpp HttpTestClient.h
  LIBS pulsco_server LABELS integration TIMEOUT 120)
add_dependencies(tst_matchd_process pulsco-matchd)
target_compile_definitions(tst_matchd_process PRIVATE QT_NO_KEYWORDS)
