// Planted violation: core may not include Qt.
#include "Clock.h"
  #  include <QString>
