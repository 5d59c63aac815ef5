pulsco_add_qtest(tst_drillsui SOURCES tst_drillsui.cpp DrillFixture.h
  LIBS pulsco_ui_drills pulsco_simulator pulsco_test_support LABELS drills ui TIMEOUT 120)
pulsco_add_qtest(tst_drillsconsole SOURCES tst_drillsconsole.cpp
  LIBS pulsco_ui_drills pulsco_console_app LABELS drills ui TIMEOUT 120)
# The report's one chart of faults, alerts, actions and recovery (issue 22).
pulsco_add_qtest(tst_drilltimeline SOURCES tst_drilltimeline.cpp
  LIBS pulsco_ui_drills LABELS drills ui TIMEOUT 60)
