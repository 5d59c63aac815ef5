#include "core/Clock.h"
#include <QWidget>
