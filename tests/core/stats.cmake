# Statistics suites of core: the log histogram and the rating model.
pulsco_add_qtest(tst_histogram SOURCES tst_histogram.cpp LIBS pulsco_core LABELS core)
pulsco_add_qtest(tst_rating SOURCES tst_rating.cpp LIBS pulsco_core LABELS core)
