// Planted: a nested layer (simulator/engine) may not use Qt nor its parent.
#pragma once
#include <QObject>
#include "simulator/Engine.h"
#include "core/Clock.h"
