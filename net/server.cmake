# pulsco_server: the matchmaking server behind pulsco-matchd.
pulsco_add_library(pulsco_server SOURCES
  store/StoreRows.h
  store/Migrations.cpp store/Migrations.h
  store/GroupCommitStore.cpp store/GroupCommitStore.h
  server/AdminGuard.cpp server/AdminGuard.h
  server/ApiJson.cpp server/ApiJson.h
  server/EventStream.cpp server/EventStream.h
  server/FaultState.cpp server/FaultState.h
  server/MatchService.cpp server/MatchService.h
  server/MatchdOptions.cpp server/MatchdOptions.h
  server/MatchdRoutes.cpp
  server/MatchdServer.cpp server/MatchdServer.h
  server/ServerMetrics.cpp server/ServerMetrics.h
  server/UnixSignalWatcher.cpp server/UnixSignalWatcher.h
  PUBLIC_LIBS pulsco_net pulsco_bridge pulsco_store Qt6::Sql
)
target_compile_definitions(pulsco_server PRIVATE PULSCO_VERSION="${PROJECT_VERSION}" QT_NO_KEYWORDS)
