pulsco_add_qtest(tst_migrations SOURCES tst_migrations.cpp LIBS pulsco_server LABELS net)
pulsco_add_qtest(tst_groupcommitstore SOURCES tst_groupcommitstore.cpp LIBS pulsco_server LABELS net)
