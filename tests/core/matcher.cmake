# Matcher suites of core: queue rules, the matchmaker, team balancing and the
# fault/log names. Fixtures shared by them live in MatcherFixtures.h.
pulsco_add_qtest(tst_queuerules SOURCES tst_queuerules.cpp LIBS pulsco_core LABELS core)
pulsco_add_qtest(tst_faultspec SOURCES tst_faultspec.cpp LIBS pulsco_core LABELS core)
pulsco_add_qtest(tst_teambalancer SOURCES tst_teambalancer.cpp LIBS pulsco_core LABELS core)
pulsco_add_qtest(tst_matchmaker SOURCES tst_matchmaker.cpp MatcherFixtures.h LIBS pulsco_core LABELS core)
pulsco_add_qtest(tst_matcherproperties SOURCES tst_matcherproperties.cpp MatcherFixtures.h
  LIBS pulsco_core LABELS core)
# MatchFormed has a member named `slots`: Qt's keyword macros must stay off.
foreach(suite tst_queuerules tst_faultspec tst_teambalancer tst_matchmaker tst_matcherproperties)
  target_compile_definitions(${suite} PRIVATE QT_NO_KEYWORDS)
endforeach()
