pulsco_add_qtest(tst_drillsessionstore SOURCES tst_drillsessionstore.cpp DrillFixture.h
  LIBS pulsco_drills pulsco_simulator pulsco_test_support Qt6::Sql LABELS drills TIMEOUT 60)
