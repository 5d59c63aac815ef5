pulsco_add_qtest(tst_metricexpression SOURCES tst_metricexpression.cpp
  ${PROJECT_SOURCE_DIR}/core/MetricExpression.cpp ${PROJECT_SOURCE_DIR}/core/MetricCatalog.cpp
  LIBS pulsco_core LABELS core)
