# Codecs of core types and the queues.json loader.
pulsco_add_qtest(tst_json_writer SOURCES tst_json_writer.cpp LIBS pulsco_bridge LABELS bridge)
pulsco_add_qtest(tst_queue_config_json SOURCES tst_queue_config_json.cpp
  LIBS pulsco_bridge pulsco_resources LABELS bridge)
pulsco_add_qtest(tst_metrics_snapshot_json SOURCES tst_metrics_snapshot_json.cpp
  LIBS pulsco_bridge LABELS bridge)
pulsco_add_qtest(tst_fault_log_json SOURCES tst_fault_log_json.cpp LIBS pulsco_bridge LABELS bridge)
