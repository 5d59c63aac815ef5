// Planted: a header the ui may not reach.
#pragma once
#include "core/Clock.h"
#include "simulator/engine/Step.h"
