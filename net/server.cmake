# pulsco_server: the matchmaking server behind pulsco-matchd.
pulsco_add_library(pulsco_server SOURCES
  store/StoreRows.h
  store/Migrations.cpp store/Migrations.h
  store/GroupCommitStore.cpp store/GroupCommitStore.h
  PUBLIC_LIBS pulsco_net pulsco_bridge Qt6::Sql
)
