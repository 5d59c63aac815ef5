pulsco_add_qtest(tst_matchd_process SOURCES tst_matchd_process.cpp
  LIBS pulsco_server pulsco_test_support LABELS integration e2e TIMEOUT 120)
add_dependencies(tst_matchd_process pulsco-matchd)
# The kill -9 ledger and the graceful drain again on PostgreSQL (--store URL).
pulsco_add_postgresql_variant(tst_matchd_process
  FUNCTIONS killNineLosesNoAcknowledgedTicket sigtermDrainsAndExitsZero TIMEOUT 180)
# The store commands (migrate, backup, verify, restore) on data directories a
# real server wrote, the server started again on what they left.
pulsco_add_qtest(tst_matchd_store_commands SOURCES tst_matchd_store_commands.cpp
  LIBS pulsco_server pulsco_test_support LABELS integration e2e TIMEOUT 180)
add_dependencies(tst_matchd_store_commands pulsco-matchd)
# The arrival recording of a real server under pulsco-sim --target load
# (exactly what it counted), the admin endpoint, no overwrite (issue 20).
pulsco_add_qtest(tst_matchd_recording SOURCES tst_matchd_recording.cpp
  LIBS pulsco_simulator pulsco_test_support LABELS integration e2e TIMEOUT 120)
add_dependencies(tst_matchd_recording pulsco-matchd pulsco-sim pulsco-console)
target_compile_definitions(tst_matchd_recording PRIVATE PULSCO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
