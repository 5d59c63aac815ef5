// Planted violations: the ui may not include the simulator, either way of spelling it.
#include "ui/Page.h"
#include "simulator/Engine.h"
#include "../simulator/Engine.h"
#include <QWidget>
#include "ui_Page.h" // generated: not an edge
