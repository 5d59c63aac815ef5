pulsco_add_qtest(tst_drillsessionstore SOURCES tst_drillsessionstore.cpp DrillFixture.h EngineSource.h
  LIBS pulsco_drills pulsco_simulator LABELS drills TIMEOUT 60)
