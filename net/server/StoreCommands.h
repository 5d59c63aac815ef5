// pulsco-matchd's store commands (a contract: docs/matchd.md, "Store
// commands"; scripts rely on the spellings):
//
//   pulsco-matchd migrate --data-dir DIR --to N [--dry-run] [--allow-data-loss]
//   pulsco-matchd backup  --data-dir DIR --to PATH
//   pulsco-matchd verify  PATH
//   pulsco-matchd restore PATH --data-dir DIR
//
// Exit codes: 0 done (verify: the backup is sound), 1 failed or refused
// (verify: not sound), 2 bad usage. Reports go to `out`, errors to `err`,
// each naming the file and why.
#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace pulsco {

// Whether the first argument names one of the commands above.
bool isStoreCommand(const QString& firstArgument);
// `args` starts with the command's name.
int runStoreCommand(const QStringList& args, QTextStream& out, QTextStream& err);
QString storeCommandsUsage();

}  // namespace pulsco
