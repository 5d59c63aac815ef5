// Splits an SQL script into statements for QSqlQuery::exec (which runs one
// at a time): on ';' outside quotes and comments, keeping CREATE TRIGGER
// bodies (BEGIN ... END;) whole. Comments are dropped.
#pragma once

#include <QString>
#include <QStringList>

namespace pulsco {

QStringList splitSqlScript(const QString& script);

}  // namespace pulsco
